"""Amounts and dates in the reader's language: `{% money amount %}`, `{% day date %}`."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from babel.numbers import format_decimal
from django import template

from portico.core.money import format_money
from portico.documents import formatting

register = template.Library()


@register.simple_tag(takes_context=True)
def money(context: template.Context, amount: Decimal | None, currency: str = "") -> str:
    if amount is None:
        return ""
    code = str(currency or context.get("currency") or "USD")
    return format_money(Decimal(amount), code, str(context.get("locale") or "en"))


@register.simple_tag(takes_context=True)
def day(context: template.Context, value: datetime.date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    return formatting.day(value, str(context.get("locale") or "en"))


@register.simple_tag(takes_context=True)
def quantity(context: template.Context, value: Any) -> str:
    return str(format_decimal(Decimal(value).normalize(), locale=context.get("locale", "en")))


@register.simple_tag(takes_context=True)
def percent(context: template.Context, value: Any) -> str:
    number = format_decimal(Decimal(value).normalize(), locale=context.get("locale", "en"))
    return f"{number} %"
