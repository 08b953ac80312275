"""Amounts and dates of a document in its reader's language (`language` in the context), through
the one formatter: `{% money amount %}`, `{% day date %}`, `{% quantity q %}`, `{% percent r %}`."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import template

from portico.core import formats

register = template.Library()


def _language(context: template.Context) -> str:
    return str(context.get("language") or "en")


@register.simple_tag(takes_context=True)
def money(context: template.Context, amount: Decimal | None, currency: str = "") -> str:
    if amount is None:
        return ""
    code = str(currency or context.get("currency") or "USD")
    return formats.format_money(Decimal(amount), code, _language(context))


@register.simple_tag(takes_context=True)
def day(context: template.Context, value: datetime.date | None) -> str:
    if value is None:
        return ""
    return formats.format_date(value, _language(context))


@register.simple_tag(takes_context=True)
def quantity(context: template.Context, value: Any) -> str:
    return formats.format_number(Decimal(value), _language(context))


@register.simple_tag(takes_context=True)
def percent(context: template.Context, value: Any) -> str:
    return formats.format_percent_of(Decimal(value), _language(context))
