"""Currency choices: ISO 4217 currencies in use today, nothing historical or metal."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from portico.core.currencies import currency_choices, current_currencies, validate_currency


def test_the_choices_hold_current_currencies_only() -> None:
    codes = {code for code, _label in currency_choices()}
    assert {"USD", "EUR", "GBP", "JPY", "CHF", "INR", "XOF"} <= codes
    # historical (replaced by the euro or a new code), gold and funds are gone
    assert not codes & {"DEM", "FRF", "HRK", "SLL", "ZWL", "XAU", "XAG", "XDR", "XXX", "USN"}


def test_each_choice_reads_code_and_name() -> None:
    assert ("EUR", "EUR — Euro") in currency_choices()


@pytest.mark.parametrize("code", ["USD", "EUR", "KES"])
def test_a_current_code_is_valid(code: str) -> None:
    validate_currency(code)
    assert code in current_currencies()


@pytest.mark.parametrize("code", ["XAU", "DEM", "HRK", "usd", "ZZZ", ""])
def test_anything_else_is_refused(code: str) -> None:
    with pytest.raises(ValidationError):
        validate_currency(code)
