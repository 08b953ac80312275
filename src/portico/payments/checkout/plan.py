"""What a checkout will charge, recomputed from the invoices as they are in the database.

Nothing here trusts the form: amounts are parsed to Decimal (no floats, NaN or extra decimals),
capped by the balances, and one sum is applied oldest-due first.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from portico.core import formats, money
from portico.core.errors import DomainError
from portico.sales.models import Invoice

ZERO = Decimal(0)


class CheckoutRefused(DomainError):
    """Nothing was charged: the amounts, the invoices or the settings do not allow it."""


class AmountChanged(CheckoutRefused):
    """An invoice changed since the page was shown; the person must confirm the new total."""

    code = "amount_changed"

    def __init__(self) -> None:
        super().__init__(
            _(
                "An invoice changed since you opened this page (paid, voided or its balance "
                "changed). Check the new amounts and confirm again; nothing was charged."
            )
        )


@dataclass(frozen=True)
class Plan:
    """What will be charged: per invoice, recomputed from the database."""

    items: tuple[tuple[Invoice, Decimal], ...]
    currency: str

    @property
    def total(self) -> Decimal:
        return sum((amount for _, amount in self.items), ZERO)


# --- amounts -------------------------------------------------------------------------------------


def parse_amount(value: object, currency: str) -> Decimal:
    """`core.money.parse_amount`, refused as a checkout refusal (nothing was charged)."""
    try:
        return money.parse_amount(value, currency)
    except DomainError as error:
        raise CheckoutRefused(error.message, code=error.code) from None


def _oldest_due_first(invoices: Sequence[Invoice]) -> list[Invoice]:
    far = datetime.date.max
    return sorted(invoices, key=lambda i: (i.due_date or far, i.issue_date, i.pk))


def _check_payable(invoice: Invoice) -> None:
    if invoice.status == Invoice.Status.PAID or (
        invoice.status in Invoice.PAYABLE_STATUSES and invoice.balance_due <= 0
    ):
        raise CheckoutRefused(
            _("Invoice %(number)s is already paid.") % {"number": invoice.number},
            code="already_paid",
        )
    if invoice.status not in Invoice.PAYABLE_STATUSES:
        raise CheckoutRefused(
            _("Invoice %(number)s cannot be paid.") % {"number": invoice.number},
            code=f"invoice_{invoice.status}",
        )


def plan_build(
    *,
    invoices: Sequence[Invoice],
    currency: str,
    amounts: Mapping[int, object] | None = None,
    amount: object | None = None,
) -> Plan:
    """Per-invoice amounts from the invoices as they are now.

    `amounts` (invoice pk → amount) pays chosen parts; `amount` is one sum applied oldest-due
    first; neither pays every balance in full.
    """
    if not invoices:
        raise CheckoutRefused(_("Choose at least one invoice to pay."), code="no_invoices")
    for invoice in invoices:
        _check_payable(invoice)
        if invoice.currency != currency:
            raise CheckoutRefused(_("The invoices are in another currency."), code="currency")
    items: list[tuple[Invoice, Decimal]] = []
    if amount is not None:
        left = parse_amount(amount, currency)
        due = sum((i.balance_due for i in invoices), ZERO)
        if left > due:
            raise CheckoutRefused(
                _("The amount is more than the %(due)s due.")
                % {"due": formats.format_money(due, currency)},
                code="above_balance",
            )
        for invoice in _oldest_due_first(invoices):
            if left <= 0:
                break
            part = min(left, invoice.balance_due)
            if part < invoice.balance_due and not invoice.allow_partial_payment:
                continue
            items.append((invoice, part))
            left -= part
        if left > 0:
            raise CheckoutRefused(
                _("Some invoices can only be paid in full; change the amount."),
                code="partial_payment_not_allowed",
            )
    else:
        for invoice in invoices:
            raw = (amounts or {}).get(invoice.pk)
            part = invoice.balance_due if raw is None else parse_amount(raw, currency)
            if part > invoice.balance_due:
                raise CheckoutRefused(
                    _("%(amount)s is more than the %(due)s due on invoice %(number)s.")
                    % {
                        "amount": formats.format_money(part, currency),
                        "due": formats.format_money(invoice.balance_due, currency),
                        "number": invoice.number,
                    },
                    code="above_balance",
                )
            if part < invoice.balance_due and not invoice.allow_partial_payment:
                raise CheckoutRefused(
                    _("Invoice %(number)s must be paid in full.") % {"number": invoice.number},
                    code="partial_payment_not_allowed",
                )
            items.append((invoice, part))
    return Plan(items=tuple(items), currency=currency)


def balances_changed(invoices: Sequence[Invoice], expected: Mapping[int, Decimal]) -> bool:
    """The person saw other balances than the locked invoices have now."""
    for invoice in invoices:
        if invoice.status not in Invoice.PAYABLE_STATUSES:
            return True
        if invoice.pk in expected and expected[invoice.pk] != invoice.balance_due:
            return True
    return False


def digest_of(rows: Iterable[tuple[int, str, Decimal]]) -> str:
    """A constant-size fingerprint of a set of invoices as shown: (pk, status, balance due) of
    each. Another invoice in the set, or any status or balance changed, gives another digest."""
    text = ";".join(
        f"{pk}:{status}:{balance.normalize():f}" for pk, status, balance in sorted(rows)
    )
    return hashlib.sha256(text.encode()).hexdigest()


def balances_digest(invoices: Iterable[Invoice]) -> str:
    return digest_of((i.pk, i.status, i.balance_due) for i in invoices)
