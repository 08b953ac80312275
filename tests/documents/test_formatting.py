"""The fast formatter prints exactly what Babel prints."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portico.core.money import format_money
from portico.documents import formatting

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
    assert formatting.money_formatter(currency, locale)(amount) == format_money(
        amount, currency, locale
    )
