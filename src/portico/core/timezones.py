"""Time zones and languages a business may choose, as choices rather than free text."""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_supported_language_variant
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


@cache
def time_zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(time_zone_names())]


def validate_time_zone(name: str) -> None:
    if name not in time_zone_names():
        raise ValidationError(
            _("%(name)s is not a time zone (e.g. Europe/Berlin)."), params={"name": name}
        )


def language_choices() -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in settings.LANGUAGES]


def validate_language(code: str) -> None:
    if code not in dict(settings.LANGUAGES):
        raise ValidationError(
            _("%(code)s is not one of the languages Portico speaks."), params={"code": code}
        )


def language_preference(help_text: _StrOrPromise) -> models.CharField[str, str]:
    """A chosen language that may be left empty, so the chain (`first_language`) goes on."""
    return models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        choices=language_choices,
        validators=[validate_language],
        help_text=help_text,
    )


def supported_language(code: str | None) -> str:
    """`code` as one of `LANGUAGES` ("de-AT" → "de"), or "" for a code Portico does not speak."""
    if not code:
        return ""
    try:
        return str(get_supported_language_variant(str(code).strip().lower()[:32]))
    except LookupError:
        return ""


def first_language(*candidates: str | None) -> str:
    """The language chain: the first candidate Portico speaks (the person's, the customer's, the
    organisation's…), else the site's default. An unknown or empty code is skipped, never fatal."""
    for code in candidates:
        language = supported_language(code)
        if language:
            return language
    return str(settings.LANGUAGE_CODE)


def accepted_languages(header: str) -> list[str]:
    """The languages of an Accept-Language header that Portico speaks, the browser's favourite
    first ("fr-CH, fr;q=0.9, de;q=0.8" → ["fr", "de"])."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:20]):
        code, _sep, params = part.strip().partition(";")
        try:
            quality = float(params.strip().removeprefix("q=")) if params else 1.0
        except ValueError:
            continue
        language = supported_language(code) if code != "*" and quality > 0 else ""
        if language:
            weighted.append((-quality, position, language))
    return list(dict.fromkeys(language for _q, _p, language in sorted(weighted)))


def zone_of(name: str) -> zoneinfo.ZoneInfo:
    """The organisation's zone; UTC for a name this machine's tz database does not know."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")
