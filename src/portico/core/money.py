"""Money arithmetic: `Decimal` only, rounded half-up to the currency's minor unit (Babel).

Every amount that is stored or shown passes through `quantize`; document totals come from
`document_totals` alone, so the rule "total = Σ lines − discount + taxes" lives in one place.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache

from babel.numbers import get_currency_precision, list_currencies
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portico.core.errors import DomainError

ZERO = Decimal(0)
HUNDRED = Decimal(100)


@cache
def minor_unit(currency: str) -> int:
    """Digits after the decimal point for `currency` (JPY 0, USD 2, KWD 3)."""
    if currency not in list_currencies():
        raise DomainError(
            f"{currency!r} is not a known currency code.", code="unknown_currency", field="currency"
        )
    return int(get_currency_precision(currency))


@cache
def _exponent(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_unit(currency))


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Round half-up to the currency's minor unit."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"money must be a Decimal, not {type(amount).__name__}")
    return amount.quantize(_exponent(currency), rounding=ROUND_HALF_UP)


def to_minor_units(amount: Decimal, currency: str) -> int:
    """An amount as a whole number of the currency's minor unit (USD 12.34 → 1234, JPY 500 → 500),
    as card processors take it. Refuses an amount with more digits than the currency has."""
    exact = quantize(amount, currency)
    if exact != amount:
        raise DomainError(
            f"{amount} has more decimals than {currency} allows.", code="too_many_decimals"
        )
    return int(exact.scaleb(minor_unit(currency)))


def from_minor_units(units: int, currency: str) -> Decimal:
    """The inverse of `to_minor_units`: 1234 USD → Decimal("12.34")."""
    return quantize(Decimal(int(units)).scaleb(-minor_unit(currency)), currency)


def line_amount(
    quantity: Decimal, rate: Decimal, discount_percent: Decimal, currency: str
) -> Decimal:
    """quantity × rate, less the line's discount percentage, rounded once."""
    if quantity < 0 or rate < 0:
        raise DomainError(_("Quantity and rate cannot be negative."), code="negative_amount")
    if not ZERO <= discount_percent <= HUNDRED:
        raise DomainError(_("A discount is between 0 and 100 per cent."), code="invalid_discount")
    return quantize(quantity * rate * (HUNDRED - discount_percent) / HUNDRED, currency)


@dataclass(frozen=True)
class PricedLine:
    """A line's amount (already rounded) and the tax it carries, if any."""

    amount: Decimal
    tax_key: Hashable | None = None
    tax_name: str = ""
    tax_rate: Decimal = ZERO


@dataclass(frozen=True)
class TaxAmount:
    key: Hashable
    name: str
    rate: Decimal
    taxable: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Totals:
    currency: str
    subtotal: Decimal
    discount: Decimal
    taxes: tuple[TaxAmount, ...]
    tax_total: Decimal
    total: Decimal


def document_totals(
    lines: Sequence[PricedLine], currency: str, *, discount: Decimal = ZERO
) -> Totals:
    """subtotal = Σ line amounts; the document discount is shared over the lines by their
    amounts before tax; each tax is rounded once on its taxable base;
    total = subtotal − discount + Σ taxes."""
    subtotal = quantize(sum((line.amount for line in lines), ZERO), currency)
    discount = quantize(discount, currency)
    if discount < 0 or discount > subtotal:
        raise DomainError(
            "The discount must be between zero and the subtotal.", code="invalid_discount"
        )
    shares = allocate(discount, [line.amount for line in lines], currency) if lines else []
    taxable: dict[Hashable, Decimal] = {}
    described: dict[Hashable, PricedLine] = {}
    for line, share in zip(lines, shares, strict=True):
        if line.tax_key is None:
            continue
        taxable[line.tax_key] = taxable.get(line.tax_key, ZERO) + line.amount - share
        described.setdefault(line.tax_key, line)
    taxes = tuple(
        TaxAmount(
            key=key,
            name=described[key].tax_name,
            rate=described[key].tax_rate,
            taxable=base,
            amount=quantize(base * described[key].tax_rate / HUNDRED, currency),
        )
        for key, base in taxable.items()
    )
    tax_total = sum((tax.amount for tax in taxes), ZERO)
    return Totals(
        currency=currency,
        subtotal=subtotal,
        discount=discount,
        taxes=taxes,
        tax_total=quantize(tax_total, currency),
        total=quantize(subtotal - discount + tax_total, currency),
    )


def allocate(amount: Decimal, weights: Sequence[Decimal], currency: str) -> list[Decimal]:
    """Split `amount` in proportion to `weights`; the parts always sum exactly to `amount`.

    Largest-remainder method in minor units: each part is floored, and the units left over go
    to the parts with the largest remainders (earlier parts first on ties). Zero weights get
    nothing unless every weight is zero, in which case the split is equal.
    """
    if not weights:
        raise DomainError("Nothing to allocate over.", code="empty_allocation")
    if any(weight < 0 for weight in weights):
        raise DomainError("Allocation weights cannot be negative.", code="negative_weight")
    unit = _exponent(currency)
    amount = quantize(amount, currency)
    sign = -1 if amount < 0 else 1
    units = int(abs(amount) / unit)
    total_weight = sum(weights, ZERO)
    effective = list(weights) if total_weight > 0 else [Decimal(1)] * len(weights)
    total_weight = sum(effective, ZERO)
    exact = [Decimal(units) * weight / total_weight for weight in effective]
    floors = [int(part) for part in exact]
    left = units - sum(floors)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for index in order[:left]:
        floors[index] += 1
    return [quantize(Decimal(sign * part) * unit, currency) for part in floors]


def parse_amount(value: object, currency: str, *, field: str = "amount") -> Decimal:
    """A positive amount with no more decimals than the currency has, from a Decimal, an int or
    the text a person typed; refuses floats, NaN and infinities. The one amount parser of
    every form, service and API that takes money in."""
    if isinstance(value, bool | float):
        raise DomainError(_("Enter the amount as a number."), code="invalid_amount", field=field)
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError(
            _("Enter the amount as a number."), code="invalid_amount", field=field
        ) from None
    if not amount.is_finite():
        raise DomainError(_("Enter the amount as a number."), code="invalid_amount", field=field)
    if amount <= 0:
        raise DomainError(
            _("The amount must be more than zero."), code="non_positive_amount", field=field
        )
    if quantize(amount, currency) != amount:
        digits = minor_unit(currency)
        raise DomainError(
            ngettext(
                "%(currency)s amounts have at most %(digits)s decimal.",
                "%(currency)s amounts have at most %(digits)s decimals.",
                digits,
            )
            % {"currency": currency, "digits": digits}
            if digits
            else _("%(currency)s amounts are whole numbers.") % {"currency": currency},
            code="too_precise",
            field=field,
        )
    return amount
