"""Lines and totals shared by every sales document's services."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from portico.contacts.models import Contact
from portico.core import events, money
from portico.core.errors import DomainError
from portico.core.tenancy import ensure_same_organisation
from portico.orgs.models import Item, Tax
from portico.sales.models import DocumentLine


@dataclass(frozen=True)
class LineInput:
    description: str
    quantity: Decimal
    rate: Decimal
    item: Item | None = None
    discount_percent: Decimal = Decimal(0)
    tax: Tax | None = None


def default_due_date(contact: Contact, issue_date: datetime.date) -> datetime.date:
    """An invoice without a due date is due after the customer's payment terms."""
    return issue_date + datetime.timedelta(days=contact.payment_terms_days)


def check_contact(contact: Contact) -> str:
    """A document needs a live customer in a known currency; answers the currency."""
    if contact.is_deleted:
        raise DomainError(_("This customer is deleted."), code="contact_deleted", field="contact")
    money.minor_unit(contact.currency)
    return contact.currency


def _as_decimal(value: Any, name: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise DomainError(f"The {name} must be a decimal number.", code="not_decimal", field=name)
    value = Decimal(value)
    if not value.is_finite():
        raise DomainError(f"The {name} must be a number.", code="not_decimal", field=name)
    return value


def check_lines(*, contact: Contact, lines: Sequence[LineInput]) -> None:
    """Refuse bad lines before anything is written."""
    if not lines:
        raise DomainError(_("A document needs at least one line."), code="no_lines", field="lines")
    for line in lines:
        quantity = _as_decimal(line.quantity, "quantity")
        rate = _as_decimal(line.rate, "rate")
        discount = _as_decimal(line.discount_percent, "discount_percent")
        if quantity < 0:
            raise DomainError(_("A quantity cannot be negative."), code="negative_quantity")
        if rate < 0:
            raise DomainError(_("A rate cannot be negative."), code="negative_rate")
        if not Decimal(0) <= discount <= Decimal(100):
            raise DomainError(
                _("A discount is between 0 and 100 per cent."), code="invalid_discount"
            )
        ensure_same_organisation(contact, line.item, line.tax)
        if not (line.description or line.item):
            raise DomainError(_("Each line needs a description or an item."), code="empty_line")


def check_discount(discount: Any) -> Decimal:
    value = _as_decimal(discount, "discount")
    if value < 0:
        raise DomainError(_("A discount cannot be negative."), code="invalid_discount")
    return value


def write_lines(*, document: Any, line_model: Any, lines: Sequence[LineInput]) -> None:
    """Replace the document's lines and recompute its totals (the caller saves it)."""
    document.lines.all().delete()
    rows = [
        line_model(
            document=document,
            item=line.item,
            description=line.description or (line.item.name if line.item else ""),
            quantity=Decimal(line.quantity),
            rate=Decimal(line.rate),
            discount_percent=Decimal(line.discount_percent),
            tax=line.tax,
            amount=money.line_amount(
                Decimal(line.quantity),
                Decimal(line.rate),
                Decimal(line.discount_percent),
                document.currency,
            ),
            position=index,
        )
        for index, line in enumerate(lines)
    ]
    line_model.objects.bulk_create(rows)
    apply_totals(document=document, rows=rows)


def totals_of(*, rows: Sequence[DocumentLine], currency: str, discount: Decimal) -> money.Totals:
    priced = []
    for row in rows:
        tax = row.tax if row.tax_id else None
        priced.append(
            money.PricedLine(
                amount=row.amount,
                tax_key=tax.pk if tax else None,
                tax_name=tax.name if tax else "",
                tax_rate=tax.rate if tax else Decimal(0),
            )
        )
    return money.document_totals(priced, currency, discount=discount)


def apply_totals(*, document: Any, rows: Sequence[DocumentLine]) -> money.Totals:
    totals = totals_of(rows=rows, currency=document.currency, discount=document.discount)
    document.discount = totals.discount
    document.subtotal = totals.subtotal
    document.tax_total = totals.tax_total
    document.total = totals.total
    return totals


def document_new(
    *,
    model: Any,
    line_model: Any,
    contact: Contact,
    lines: Sequence[LineInput],
    discount: Any = Decimal(0),
    **fields: Any,
) -> Any:
    """Check, number and save a new document with its lines, in the caller's transaction."""
    from portico.sales import numbering

    currency = check_contact(contact)
    check_lines(contact=contact, lines=lines)
    document = model(
        organisation_id=contact.organisation_id,
        contact=contact,
        currency=currency,
        discount=check_discount(discount),
        **fields,
    )
    document.number = numbering.next_number(
        organisation=contact.organisation, kind=document.number_kind()
    )
    document.save()
    write_lines(document=document, line_model=line_model, lines=lines)
    document.save()
    kind = EVENT_KINDS[model.__name__]
    # Published after the commit: by then an invoice's balance due is set too.
    events.emit(
        organisation_id=document.organisation_id,
        type=f"{kind}.created",
        data=events.object_data(kind, document),
    )
    return document


EVENT_KINDS = {
    "Invoice": "invoice",
    "Estimate": "estimate",
    "SalesOrder": "sales_order",
    "CreditNote": "credit_note",
}


def document_edit(
    *,
    document: Any,
    line_model: Any,
    lines: Sequence[LineInput] | None,
    discount: Any | None,
    **fields: Any,
) -> None:
    """Apply the given edits (None leaves a field alone); the caller saves."""
    if lines is not None:
        check_lines(contact=document.contact, lines=lines)
    if discount is not None:
        document.discount = check_discount(discount)
    for name, value in fields.items():
        if value is not None:
            setattr(document, name, value)
    if lines is not None:
        write_lines(document=document, line_model=line_model, lines=lines)
    else:
        apply_totals(document=document, rows=list(document.lines.select_related("tax")))


def lines_of(document: Any) -> list[LineInput]:
    """A document's lines as inputs, to copy them onto another document."""
    return [
        LineInput(
            description=row.description,
            quantity=row.quantity,
            rate=row.rate,
            item=row.item,
            discount_percent=row.discount_percent,
            tax=row.tax,
        )
        for row in document.lines.select_related("item", "tax")
    ]


def document_totals(*, document: Any) -> money.Totals:
    """The stored document's totals with the per-tax breakdown (for pages and PDFs)."""
    rows = list(document.lines.select_related("tax"))
    return totals_of(rows=rows, currency=document.currency, discount=document.discount)


def document_mark_first_viewed(*, document: Any) -> None:
    """Keep the first time the customer opened a document (sales orders, credit notes; estimates
    and invoices also change status: use `estimate_mark_viewed`/`invoice_mark_viewed`)."""
    if document.first_viewed_at is None:
        document.first_viewed_at = timezone.now()
        type(document).objects.filter(pk=document.pk, first_viewed_at__isnull=True).update(
            first_viewed_at=document.first_viewed_at
        )


def document_prepare(*, document: Any) -> None:
    """Give a document made in the back office its currency and number (in its transaction)."""
    from portico.sales import numbering

    document.currency = check_contact(document.contact)
    if hasattr(document, "due_date") and document.due_date is None:
        document.due_date = default_due_date(document.contact, document.issue_date)
    if not document.number:
        document.number = numbering.next_number(
            organisation=document.contact.organisation, kind=document.number_kind()
        )


def document_recalculate(*, document: Any) -> None:
    """Recompute line amounts and totals after lines were edited in the back office."""
    if document.lines_editable:
        document.currency = check_contact(document.contact)
    rows = list(document.lines.select_related("item", "tax"))
    ensure_same_organisation(document, *[r.item for r in rows], *[r.tax for r in rows])
    for row in rows:
        row.amount = money.line_amount(
            row.quantity, row.rate, row.discount_percent, document.currency
        )
        row.save(update_fields=["amount"])
    apply_totals(document=document, rows=rows)
    fields = ["currency", "discount", "subtotal", "tax_total", "total", "updated_at"]
    if getattr(document, "status", None) == "draft" and hasattr(document, "balance_due"):
        document.balance_due = document.total
        fields.append("balance_due")
    document.save(update_fields=fields)


@dataclass(frozen=True)
class Preview:
    """What a document being edited would come to: each line's amount and the totals."""

    amounts: list[Decimal]
    totals: money.Totals


def document_preview(
    *, contact: Contact, lines: Sequence[LineInput], discount: Any = Decimal(0)
) -> Preview:
    """The amounts and totals of lines not yet saved, by the same money functions as a save
    (`money.line_amount`, `money.document_totals`); writes nothing. Raises the same domain
    errors as a save would for a bad line or discount."""
    currency = check_contact(contact)
    discount = check_discount(discount)
    for line in lines:
        ensure_same_organisation(contact, line.item, line.tax)
    amounts = [
        money.line_amount(
            _as_decimal(line.quantity, "quantity"),
            _as_decimal(line.rate, "rate"),
            _as_decimal(line.discount_percent, "discount_percent"),
            currency,
        )
        for line in lines
    ]
    priced = [
        money.PricedLine(
            amount=amount,
            tax_key=line.tax.pk if line.tax else None,
            tax_name=line.tax.name if line.tax else "",
            tax_rate=line.tax.rate if line.tax else Decimal(0),
        )
        for line, amount in zip(lines, amounts, strict=True)
    ]
    return Preview(
        amounts=amounts, totals=money.document_totals(priced, currency, discount=discount)
    )
