"""The fast formatter prints exactly what Babel prints."""

from __future__ import annotations

from decimal import Decimal

import pytest
from babel.numbers import format_currency
from hypothesis import given
from hypothesis import strategies as st

from portico.core import formats, money

CASES = [
    ("USD", "en"),
    ("EUR", "de"),
    ("EUR", "fr"),
    ("INR", "en_IN"),
    ("JPY", "ja"),
    ("CHF", "de_CH"),
    ("KWD", "ar"),
    ("BRL", "pt_BR"),
]


@pytest.mark.parametrize(("currency", "locale"), CASES)
@given(amount=st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=4))
def test_fast_money_matches_babel(currency: str, locale: str, amount: Decimal) -> None:
    assert formats.format_money(amount, currency, locale) == format_currency(
        money.quantize(amount, currency), currency, locale=locale
    )


def test_a_django_language_code_or_an_unknown_locale_still_formats() -> None:
    assert formats.format_money(Decimal("1234.5"), "EUR", "pt-br") == "€\xa01.234,50"
    assert formats.format_money(Decimal("1234.5"), "USD", "xx-nowhere") == "$1,234.50"
