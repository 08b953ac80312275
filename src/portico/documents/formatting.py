"""Fast money and date formatting for long documents.

Babel formats one amount in about a quarter of a millisecond; a 2,000-line statement prints
4,000 of them. The shape of a currency amount in a locale (signs, symbol, separators, grouping)
is learned once from Babel and reused, and checked against Babel on sample amounts first: a
locale whose output this cannot reproduce (other digits, unusual patterns) keeps using Babel.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date

from portico.core.money import format_money, minor_unit, quantize

SAMPLES = (
    Decimal("1234567.891"),
    Decimal("-1234567.891"),
    Decimal("0"),
    Decimal("-5.5"),
    Decimal("12"),
)
_BODY = re.compile(r"^(.*?)([0-9](?:.*[0-9])?)(\D*)$", re.S)


def _group(digits: str, primary: int, secondary: int, separator: str) -> str:
    if len(digits) <= primary or not separator:
        return digits
    head, tail = digits[:-primary], digits[-primary:]
    parts = [tail]
    while len(head) > secondary:
        parts.append(head[-secondary:])
        head = head[:-secondary]
    parts.append(head)
    return separator.join(reversed(parts))


@lru_cache(maxsize=64)
def money_formatter(currency: str, locale: str) -> Callable[[Decimal], str]:
    slow: Callable[[Decimal], str] = lambda amount: format_money(amount, currency, locale)  # noqa: E731
    try:
        pattern = Locale.parse(locale).currency_formats["standard"]
        positive = _BODY.match(slow(Decimal("1234567.891")))
        negative = _BODY.match(slow(Decimal("-1234567.891")))
    except Exception:  # any surprise keeps the exact, slower path
        return slow
    if positive is None or negative is None:
        return slow
    digits = minor_unit(currency)
    body = positive.group(2)
    decimal = body[-digits - 1] if digits else ""
    integer_part = body[: -digits - 1] if digits else body
    group = next((c for c in integer_part if not c.isdigit()), "")
    primary, secondary = pattern.grouping

    def fast(amount: Decimal) -> str:
        value = quantize(Decimal(amount), currency)
        sign = negative if value.is_signed() else positive
        text = f"{abs(value):.{digits}f}"
        whole, _, fraction = text.partition(".")
        number = _group(whole, primary, secondary, group) + (decimal + fraction if digits else "")
        return f"{sign.group(1)}{number}{sign.group(3)}"

    if all(fast(sample) == slow(sample) for sample in SAMPLES):
        return fast
    return slow


@lru_cache(maxsize=4096)
def day(value: datetime.date, locale: str) -> str:
    return str(format_date(value, "medium", locale=locale))
