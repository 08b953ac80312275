"""Time zones and languages a business may choose, as choices rather than free text."""

from __future__ import annotations

import zoneinfo
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


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


def zone_of(name: str) -> zoneinfo.ZoneInfo:
    """The organisation's zone; UTC for a name this machine's tz database does not know."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")
