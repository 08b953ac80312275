"""Currency codes known to Babel (ISO 4217, in current use)."""

from __future__ import annotations

from functools import cache

from babel.numbers import get_currency_name, list_currencies
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


@cache
def currency_choices() -> list[tuple[str, str]]:
    return [
        (code, f"{code} — {get_currency_name(code, locale='en')}")
        for code in sorted(list_currencies())
    ]


def validate_currency(code: str) -> None:
    if code not in list_currencies():
        raise ValidationError(_("%(code)s is not a known currency code."), params={"code": code})
