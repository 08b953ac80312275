"""Template filters of the one formatter (`core.formats`), built into every template:
`{{ amount|money:currency }}`, `{{ date|day }}`, `{{ moment|moment }}`, `{{ hours|number }}`,
`{{ rate|percent }}`, each in the active language. Empty values give "" (so `|default` works)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import template

from portico.core import formats

register = template.Library()


@register.filter
def money(amount: Any, currency: str) -> str:
    """`{{ invoice.total|money:invoice.currency }}` → "$1,234.50", "1.234,50 €"."""
    if amount is None or amount == "" or not currency:
        return ""
    return formats.format_money(Decimal(amount), str(currency))


@register.filter
def day(value: datetime.date | None) -> str:
    """A date (or the day of a date-time in the organisation's zone): "Dec 4, 2026"."""
    return formats.format_date(value) if value else ""


@register.filter
def moment(value: datetime.datetime | None) -> str:
    """A date-time in the organisation's zone: "Dec 4, 2026, 3:30 PM"."""
    return formats.format_datetime(value) if value else ""


@register.filter
def number(value: Any) -> str:
    return "" if value is None or value == "" else formats.format_number(Decimal(str(value)))


@register.filter
def percent(value: Any) -> str:
    """A rate given in per cent: 19 → "19%", "19 %"."""
    return "" if value is None or value == "" else formats.format_percent_of(value)
