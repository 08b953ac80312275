"""Money helpers: rounding to the currency, totals and allocation (property tests)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portico.core import formats, money
from portico.core.errors import DomainError

CURRENCIES = st.sampled_from(["USD", "JPY", "KWD", "EUR"])
AMOUNTS = st.decimals(min_value=Decimal(0), max_value=Decimal("1000000"), places=3)
RATES = st.sampled_from([Decimal(0), Decimal(5), Decimal("8.625"), Decimal(20)])
PERCENTS = st.decimals(min_value=Decimal(0), max_value=Decimal(100), places=2)


def test_minor_units_come_from_babel() -> None:
    assert money.minor_unit("JPY") == 0
    assert money.minor_unit("USD") == 2
    assert money.minor_unit("KWD") == 3


def test_an_unknown_currency_is_a_domain_error() -> None:
    with pytest.raises(DomainError) as caught:
        money.minor_unit("XYZ")
    assert caught.value.code == "unknown_currency"


def test_rounding_is_half_up() -> None:
    assert money.quantize(Decimal("0.125"), "USD") == Decimal("0.13")
    assert money.quantize(Decimal("2.5"), "JPY") == Decimal(3)
    assert money.quantize(Decimal("1.0005"), "KWD") == Decimal("1.001")


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError):
        money.quantize(1.5, "USD")  # type: ignore[arg-type]


def test_line_amount_applies_the_discount_and_rounds_once() -> None:
    assert money.line_amount(Decimal(3), Decimal("19.99"), Decimal(10), "USD") == Decimal("53.97")


def test_negative_quantity_is_refused() -> None:
    with pytest.raises(DomainError):
        money.line_amount(Decimal(-1), Decimal(10), Decimal(0), "USD")


def test_totals_of_a_taxed_and_discounted_document() -> None:
    lines = [
        money.PricedLine(Decimal("100.00"), "vat", "VAT", Decimal(20)),
        money.PricedLine(Decimal("50.00"), None),
    ]
    totals = money.document_totals(lines, "USD", discount=Decimal("15.00"))
    assert totals.subtotal == Decimal("150.00")
    assert totals.taxes[0].taxable == Decimal("90.00")
    assert totals.tax_total == Decimal("18.00")
    assert totals.total == Decimal("153.00")


@given(
    currency=CURRENCIES,
    raw=st.lists(st.tuples(AMOUNTS, RATES), min_size=1, max_size=8),
    discount_share=st.decimals(min_value=Decimal(0), max_value=Decimal(1), places=2),
)
def test_total_is_subtotal_less_discount_plus_taxes(
    currency: str, raw: list[tuple[Decimal, Decimal]], discount_share: Decimal
) -> None:
    lines = [
        money.PricedLine(money.quantize(amount, currency), rate, str(rate), rate)
        for amount, rate in raw
    ]
    subtotal = sum((line.amount for line in lines), Decimal(0))
    discount = money.quantize(subtotal * discount_share, currency)
    totals = money.document_totals(lines, currency, discount=discount)
    assert totals.subtotal == subtotal
    assert totals.total == totals.subtotal - totals.discount + totals.tax_total
    assert totals.tax_total == sum((tax.amount for tax in totals.taxes), Decimal(0))
    assert sum((tax.taxable for tax in totals.taxes), Decimal(0)) == subtotal - discount
    for value in (totals.subtotal, totals.tax_total, totals.total):
        assert value == money.quantize(value, currency)
        assert value >= 0


@given(
    currency=CURRENCIES,
    quantity=st.decimals(min_value=Decimal(0), max_value=Decimal(10000), places=3),
    rate=AMOUNTS,
    discount=PERCENTS,
)
def test_a_line_never_exceeds_its_undiscounted_amount(
    currency: str, quantity: Decimal, rate: Decimal, discount: Decimal
) -> None:
    amount = money.line_amount(quantity, rate, discount, currency)
    assert Decimal(0) <= amount <= money.quantize(quantity * rate, currency)
    assert amount == money.quantize(amount, currency)


@given(
    currency=CURRENCIES,
    amount=st.decimals(min_value=Decimal(-100000), max_value=Decimal(100000), places=3),
    weights=st.lists(AMOUNTS, min_size=1, max_size=12),
)
def test_allocated_parts_always_sum_to_the_whole(
    currency: str, amount: Decimal, weights: list[Decimal]
) -> None:
    whole = money.quantize(amount, currency)
    parts = money.allocate(whole, weights, currency)
    assert len(parts) == len(weights)
    assert sum(parts, Decimal(0)) == whole
    unit = Decimal(1).scaleb(-money.minor_unit(currency))
    total_weight = sum(weights, Decimal(0))
    for part, weight in zip(parts, weights, strict=True):
        assert part == money.quantize(part, currency)
        if total_weight:
            # each part is within one minor unit of its exact share
            assert abs(part - whole * weight / total_weight) < unit


def test_allocation_hands_leftover_cents_to_the_largest_remainders() -> None:
    parts = money.allocate(Decimal("100.00"), [Decimal(1)] * 3, "USD")
    assert parts == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]


def test_format_money_follows_the_locale() -> None:
    assert formats.format_money(Decimal("1234.5"), "USD", "en_US") == "$1,234.50"
    assert formats.format_money(Decimal("1234.5"), "EUR", "de_DE") == "1.234,50\xa0€"
    assert formats.format_money(Decimal("1234"), "JPY", "ja_JP") == "￥1,234"
