"""Currency codes a business may use: ISO 4217 currencies in current use, from Babel (CLDR).

Babel's full list also holds historical currencies (DEM, HRK…), funds and metals (XAU, XDR…);
those stay formattable (`core.money`) for old rows but are not offered or accepted for new ones.
"""

from __future__ import annotations

import datetime
from functools import cache

from babel.core import get_global
from babel.numbers import get_currency_name, get_territory_currencies
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


@cache
def current_currencies() -> frozenset[str]:
    """Legal tender somewhere today, by CLDR's territory data."""
    today = datetime.date.today()
    codes: set[str] = set()
    for territory in get_global("territory_currencies"):
        codes.update(get_territory_currencies(territory, start_date=today, tender=True))
    return frozenset(codes)


@cache
def currency_choices() -> list[tuple[str, str]]:
    return [
        (code, f"{code} — {get_currency_name(code, locale='en')}")
        for code in sorted(current_currencies())
    ]


def validate_currency(code: str) -> None:
    if code not in current_currencies():
        raise ValidationError(
            _("%(code)s is not a currency in use today (ISO 4217)."), params={"code": code}
        )
