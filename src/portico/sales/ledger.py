"""The customer ledger's one owner: every posting is built and saved here, in the caller's
transaction — sales for issued and voided invoices, payments for payments, credit and refunds —
and each customer's account (`CustomerAccount`, the postings' running summary) is brought up to
date with it, here and nowhere else."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import (
    BigIntegerField,
    Count,
    F,
    IntegerField,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import Case
from django.db.models.functions import Coalesce

from portico.contacts.models import Contact
from portico.core import audit, money
from portico.sales.models import CreditNote, CustomerAccount, Invoice, LedgerDay, LedgerEntry

ZERO = Decimal(0)
Kind = LedgerEntry.Kind


def entry(
    *,
    contact: Contact,
    date: datetime.date,
    kind: str,
    receivable: Decimal = ZERO,
    credit: Decimal = ZERO,
    reference: str = "",
    description: str = "",
    **links: object,
) -> LedgerEntry:
    """A posting, not saved yet: `record` saves one, the scale generator bulk-inserts many."""
    return LedgerEntry(
        organisation_id=contact.organisation_id,
        contact=contact,
        date=date,
        kind=kind,
        currency=contact.currency,
        receivable=receivable,
        credit=credit,
        amount=receivable - credit,
        reference=reference,
        description=description,
        **links,
    )


def record(posting: LedgerEntry) -> LedgerEntry:
    """Save a posting built by `entry` or one of the builders below, and bring the customer's
    account up to date in the same transaction."""
    with transaction.atomic(savepoint=False):
        posting.save(force_insert=True)
        _account_post(posting)
        _day_post(posting)
        if posting.kind != Kind.INVOICE:  # money moved: paid, refunded, credited, reversed
            audit.record(
                posting.kind,
                organisation_id=posting.organisation_id,
                contact_id=posting.contact_id,
                target_label=posting.reference,
                detail=f"{money.quantize(posting.amount, posting.currency)} {posting.currency}"
                f" · {posting.description}",
            )
    return posting


def version_of(*, organisation_id: int, contact_id: int) -> int:
    """The customer's ledger version: 0 before the first posting, one more with each."""
    found = (
        CustomerAccount.objects.filter(organisation_id=organisation_id, contact_id=contact_id)
        .values_list("version", flat=True)
        .first()
    )
    return int(found or 0)


OPEN_ITEMS = Q(kind=Invoice.Kind.REGULAR, status__in=Invoice.OPEN_STATUSES, balance_due__gt=0)
"""Regular invoices with something left to pay: what the ledger's receivable adds up."""


def open_invoices(*, organisation_id: int, contact_id: int) -> QuerySet[Invoice]:
    """The customer's open items (`OPEN_ITEMS`), read through the `invoice_open_items` index,
    never the whole history."""
    return Invoice.objects.filter(
        OPEN_ITEMS, organisation_id=organisation_id, contact_id=contact_id
    )


def _account_post(posting: LedgerEntry) -> None:
    """Add the posting to its customer's account (one UPDATE; the row is made on the first)."""
    count = (
        open_invoices(organisation_id=posting.organisation_id, contact_id=posting.contact_id)
        .order_by()
        .values("contact_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    changes: dict[str, object] = {
        "receivable": F("receivable") + posting.receivable,
        "credit": F("credit") + posting.credit,
        # A recount over the open invoices only: exact whatever settled which invoice.
        "open_invoices": Coalesce(Subquery(count), Value(0), output_field=IntegerField()),
        "version": F("version") + 1,
    }
    if posting.kind == Kind.PAYMENT and posting.payment_id is not None:
        later = (
            Q(last_payment_date__isnull=True)
            | Q(last_payment_date__lt=posting.date)
            | Q(last_payment_date=posting.date, last_payment_id__lt=posting.payment_id)
        )
        changes["last_payment"] = Case(
            When(later, then=Value(posting.payment_id)),
            default=F("last_payment"),
            output_field=BigIntegerField(),
        )
        changes["last_payment_date"] = Case(
            When(later, then=Value(posting.date)), default=F("last_payment_date")
        )
    accounts = CustomerAccount.objects.filter(contact_id=posting.contact_id)
    if not accounts.update(**changes):
        CustomerAccount.objects.get_or_create(
            contact_id=posting.contact_id, defaults={"organisation_id": posting.organisation_id}
        )
        accounts.update(**changes)


# What a day's row adds up, by the kind of posting (`amount` of the kinds named).
DAY_SUMS = {"invoiced": Kind.INVOICE, "received": Kind.PAYMENT, "credited": Kind.CREDIT_NOTE}
DAY_FIELDS = ("balance", *DAY_SUMS, "lines")
NO_DAY: dict[str, Any] = {field: 0 if field == "lines" else ZERO for field in DAY_FIELDS}
"""A customer's totals before their first posting."""
STORED = Decimal("0.0001")  # the days' decimal places


def _day_post(posting: LedgerEntry) -> None:
    """Add the posting to its customer's totals at the end of its day and of every later day
    (the day's row is made on its first posting, from the day before's totals). Runs after
    `_account_post`, whose UPDATE holds the customer's account row: one customer's postings
    keep their days one at a time."""
    changes: dict[str, object] = {
        "balance": F("balance") + posting.amount,
        "lines": F("lines") + 1,
    }
    for field, kind in DAY_SUMS.items():
        if posting.kind == kind:
            changes[field] = F(field) + posting.amount
    days = LedgerDay.objects.filter(contact_id=posting.contact_id)
    if not days.filter(date=posting.date).exists():
        before = days.filter(date__lt=posting.date).order_by("-date").values(*DAY_FIELDS)
        LedgerDay.objects.get_or_create(
            contact_id=posting.contact_id,
            date=posting.date,
            defaults={"organisation_id": posting.organisation_id, **(before.first() or NO_DAY)},
        )
    days.filter(date__gte=posting.date).update(**changes)


def days_computed(*, contacts: QuerySet[Contact]) -> list[dict[str, Any]]:
    """What each customer's days should say, from the whole ledger (one row a customer and
    day: organisation_id, contact_id, date and `DAY_FIELDS`, the totals to the day's end)."""
    sums = {
        field: Coalesce(Sum("amount", filter=Q(kind=kind)), ZERO)
        for field, kind in DAY_SUMS.items()
    }
    daily: QuerySet[Any] = (
        LedgerEntry.objects.filter(contact__in=contacts)
        .order_by("contact_id", "date")
        .values("organisation_id", "contact_id", "date")
        .annotate(balance=Sum("amount"), lines=Count("id"), **sums)
    )
    rows: list[dict[str, Any]] = []
    totals, customer = NO_DAY, None
    for day in daily.iterator(chunk_size=5000):
        if day["contact_id"] != customer:
            totals, customer = NO_DAY, day["contact_id"]
        # SQLite adds decimals up in floating point: each day's sums in the stored precision
        totals = {
            field: totals[field] + (day[field] if field == "lines" else day[field].quantize(STORED))
            for field in DAY_FIELDS
        }
        rows.append({**day, **totals})
    return rows


def days_stored(*, contacts: QuerySet[Contact]) -> QuerySet[Any]:
    return LedgerDay.objects.filter(contact__in=contacts).values(
        "organisation_id", "contact_id", "date", *DAY_FIELDS
    )


def days_load(*, contacts: QuerySet[Contact]) -> int:
    """Write every customer's days from the ledger, replacing what was there (postings
    inserted in bulk bypass `record`). Answers how many days."""
    rows = days_computed(contacts=contacts)
    LedgerDay.objects.filter(contact__in=contacts).delete()
    made = LedgerDay.objects.bulk_create((LedgerDay(**row) for row in rows), batch_size=1000)
    return len(made)


def invoice_issued(invoice: Invoice) -> LedgerEntry:
    """The posting of a regular invoice when it is issued: the customer owes its total."""
    return entry(
        contact=invoice.contact,
        date=invoice.issue_date,
        kind=Kind.INVOICE,
        receivable=invoice.total,
        reference=invoice.number,
        description=f"Invoice {invoice.number}",
        invoice=invoice,
    )


def invoice_voided(invoice: Invoice, *, date: datetime.date) -> LedgerEntry:
    """The posting that reverses an issued regular invoice voided on `date`."""
    return entry(
        contact=invoice.contact,
        date=date,
        kind=Kind.REVERSAL,
        receivable=-invoice.total,
        reference=invoice.number,
        description=f"Invoice {invoice.number} voided",
        invoice=invoice,
    )


def credit_note_opened(note: CreditNote) -> LedgerEntry:
    """The posting of an issued credit note: its total becomes the customer's credit."""
    return entry(
        contact=note.contact,
        date=note.issue_date,
        kind=Kind.CREDIT_NOTE,
        credit=note.total,
        reference=note.number,
        description=f"Credit note {note.number}",
        credit_note=note,
    )


def credit_note_voided(note: CreditNote, *, credit: Decimal, date: datetime.date) -> LedgerEntry:
    """The posting that takes back the unused `credit` of a voided credit note."""
    return entry(
        contact=note.contact,
        date=date,
        kind=Kind.REVERSAL,
        credit=-credit,
        reference=note.number,
        description=f"Credit note {note.number} voided",
        credit_note=note,
    )


@dataclass(frozen=True)
class Balance:
    receivable: Decimal
    credit: Decimal

    @property
    def net(self) -> Decimal:
        return self.receivable - self.credit


def balance_of(*, contact: Contact) -> Balance:
    """What the ledger says the customer owes and holds in credit (one query)."""
    sums = LedgerEntry.objects.filter(
        organisation_id=contact.organisation_id, contact=contact
    ).aggregate(receivable=Coalesce(Sum("receivable"), ZERO), credit=Coalesce(Sum("credit"), ZERO))
    return Balance(receivable=sums["receivable"], credit=sums["credit"])


@dataclass(frozen=True)
class AccountFigures:
    """A customer account's figures: as stored, or as the ledger and invoices make them."""

    receivable: Decimal
    credit: Decimal
    open_invoices: int
    last_payment_id: int | None


NO_ACCOUNT = AccountFigures(ZERO, ZERO, 0, None)


def accounts_computed(*, contacts: QuerySet[Contact]) -> dict[int, AccountFigures]:
    """What each customer's account should say, from the whole ledger and the open invoices
    (for `ledger check` and bulk loads; customers with nothing posted are left out)."""
    sums: dict[int, tuple[Decimal, Decimal]] = {
        contact_id: (receivable, credit)
        for contact_id, receivable, credit in LedgerEntry.objects.filter(contact__in=contacts)
        .order_by()
        .values("contact")
        .annotate(receivable=Sum("receivable"), credit=Sum("credit"))
        .values_list("contact", "receivable", "credit")
    }
    counts = dict(
        Invoice.objects.filter(OPEN_ITEMS, contact__in=contacts)
        .order_by()
        .values("contact")
        .annotate(n=Count("id"))
        .values_list("contact", "n")
    )
    last: dict[int, int] = {}
    for contact_id, payment_id in (
        LedgerEntry.objects.filter(contact__in=contacts, kind=Kind.PAYMENT, payment__isnull=False)
        .order_by("contact_id", "date", "payment_id")
        .values_list("contact_id", "payment_id")
    ):
        last[contact_id] = payment_id  # ascending: the last one seen is the latest
    return {
        contact_id: AccountFigures(
            receivable=sums.get(contact_id, (ZERO, ZERO))[0],
            credit=sums.get(contact_id, (ZERO, ZERO))[1],
            open_invoices=counts.get(contact_id, 0),
            last_payment_id=last.get(contact_id),
        )
        for contact_id in sums.keys() | counts.keys()
    }


def accounts_stored(*, contacts: QuerySet[Contact]) -> dict[int, AccountFigures]:
    return {
        account.contact_id: AccountFigures(
            account.receivable, account.credit, account.open_invoices, account.last_payment_id
        )
        for account in CustomerAccount.objects.filter(contact__in=contacts).order_by()
    }


def accounts_load(*, contacts: QuerySet[Contact]) -> int:
    """Write every customer's account and days from the ledger, replacing what was there: for
    postings inserted in bulk (the scale generator), which bypass `record`. Answers how many
    accounts."""
    computed = accounts_computed(contacts=contacts)
    dates = dict(
        LedgerEntry.objects.filter(
            payment_id__in=[f.last_payment_id for f in computed.values() if f.last_payment_id]
        ).values_list("payment_id", "date")
    )
    organisations = dict(contacts.filter(pk__in=computed.keys()).values_list("pk", "organisation"))
    # A reloaded account is a new version: nothing computed from the old one may be reused.
    versions = dict(
        CustomerAccount.objects.filter(contact__in=contacts).values_list("contact_id", "version")
    )
    CustomerAccount.objects.filter(contact__in=contacts).delete()
    CustomerAccount.objects.bulk_create(
        CustomerAccount(
            organisation_id=organisations[contact_id],
            contact_id=contact_id,
            receivable=figures.receivable,
            credit=figures.credit,
            open_invoices=figures.open_invoices,
            last_payment_id=figures.last_payment_id,
            last_payment_date=(
                dates.get(figures.last_payment_id) if figures.last_payment_id else None
            ),
            version=versions.get(contact_id, 0) + 1,
        )
        for contact_id, figures in computed.items()
    )
    days_load(contacts=contacts)
    return len(computed)
