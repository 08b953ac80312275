"""The ledger's postings of payments, the check that proves the ledger agrees with the
documents (open invoice balances and unused credit), and the check of online payments against
the gateways' own record of charges."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum

from portico.contacts.models import Contact
from portico.core import money
from portico.orgs.models import GatewayAccount, Organisation
from portico.payments.gateways import registry
from portico.payments.gateways.base import ChargeResult, GatewayError
from portico.payments.models import CustomerCredit, Payment
from portico.sales import counts, ledger
from portico.sales.ledger import Balance
from portico.sales.models import Invoice, LedgerEntry

ZERO = Decimal(0)


def payment_received(payment: Payment, *, settled: Decimal, credit: Decimal) -> LedgerEntry:
    """The posting of a payment: `settled` comes off regular invoices, `credit` (retainers and
    any excess) becomes customer credit."""
    return ledger.entry(
        contact=payment.contact,
        date=payment.date,
        kind=ledger.Kind.PAYMENT,
        receivable=-settled,
        credit=credit,
        reference=payment.number,
        description=f"Payment {payment.number}"
        + (f" ({payment.reference})" if payment.reference else ""),
        payment=payment,
    )


@dataclass(frozen=True)
class Mismatch:
    contact_id: int
    contact: str
    ledger: Balance
    documents: Balance


def check(
    *, organisation: Organisation | None = None, contact: Contact | None = None
) -> list[Mismatch]:
    """Each customer's ledger against their open regular invoice balances and unused credit.

    Retainer invoices are requests for a deposit, not receivables: their payment shows up as
    credit instead.
    """
    contacts = Contact.objects.all()
    if organisation is not None:
        contacts = contacts.filter(organisation=organisation)
    if contact is not None:
        contacts = contacts.filter(pk=contact.pk)
    by_contact = {
        row["contact"]: row
        for row in LedgerEntry.objects.filter(contact__in=contacts)
        .values("contact")
        .annotate(receivable=Sum("receivable"), credit=Sum("credit"))
    }
    open_balances = {
        row["contact"]: row["total"]
        for row in Invoice.objects.filter(
            contact__in=contacts, kind=Invoice.Kind.REGULAR, status__in=Invoice.OPEN_STATUSES
        )
        .values("contact")
        .annotate(total=Sum("balance_due"))
    }
    credits = {
        row["contact"]: row["total"]
        for row in CustomerCredit.objects.filter(contact__in=contacts, remaining__gt=0)
        .values("contact")
        .annotate(total=Sum("remaining"))
    }
    customers = {
        pk: (name, currency)
        for pk, name, currency in contacts.filter(
            Q(pk__in=by_contact.keys()) | Q(pk__in=open_balances.keys()) | Q(pk__in=credits.keys())
        ).values_list("pk", "display_name", "currency")
    }
    mismatches = []
    for contact_id, (name, currency) in sorted(customers.items()):
        row: Any = by_contact.get(contact_id, {})

        # SQLite sums decimals in floating point: compare in the currency's minor unit.
        def exact(value: Decimal | None, currency: str = currency) -> Decimal:
            return money.quantize(value or ZERO, currency)

        posted = Balance(exact(row.get("receivable")), exact(row.get("credit")))
        held = Balance(exact(open_balances.get(contact_id)), exact(credits.get(contact_id)))
        if posted != held:
            mismatches.append(Mismatch(contact_id, name, posted, held))
    return mismatches


@dataclass(frozen=True)
class AccountDrift:
    """A customer account (the ledger's running summary) that says other than the ledger."""

    contact_id: int
    contact: str
    stored: ledger.AccountFigures
    computed: ledger.AccountFigures

    def describe(self) -> str:
        differ = [
            f"{name} {getattr(self.stored, name)} (ledger: {getattr(self.computed, name)})"
            for name in ledger.AccountFigures.__dataclass_fields__
            if getattr(self.stored, name) != getattr(self.computed, name)
        ]
        return f"{self.contact} (#{self.contact_id}): account says " + ", ".join(differ)


def accounts_check(
    *, organisation: Organisation | None = None, contact: Contact | None = None
) -> list[AccountDrift]:
    """Each customer's account against the whole ledger and their open invoices."""
    contacts = Contact.objects.all()
    if organisation is not None:
        contacts = contacts.filter(organisation=organisation)
    if contact is not None:
        contacts = contacts.filter(pk=contact.pk)
    computed = ledger.accounts_computed(contacts=contacts)
    stored = ledger.accounts_stored(contacts=contacts)
    customers = {
        pk: (name, currency)
        for pk, name, currency in contacts.filter(
            pk__in=computed.keys() | stored.keys()
        ).values_list("pk", "display_name", "currency")
    }
    drifts = []
    for contact_id, (name, currency) in sorted(customers.items()):
        kept = _exact(stored.get(contact_id, ledger.NO_ACCOUNT), currency)
        made = _exact(computed.get(contact_id, ledger.NO_ACCOUNT), currency)
        if kept != made:
            drifts.append(AccountDrift(contact_id, name, kept, made))
    return drifts


def _exact(figures: ledger.AccountFigures, currency: str) -> ledger.AccountFigures:
    """In the currency's minor unit: SQLite sums decimals in floating point."""
    return ledger.AccountFigures(
        money.quantize(figures.receivable, currency),
        money.quantize(figures.credit, currency),
        figures.open_invoices,
        figures.last_payment_id,
    )


@dataclass(frozen=True)
class DayDrift:
    """A customer's day (`sales.LedgerDay`, a statement's sums) that says other than the
    ledger's postings of that day."""

    contact_id: int
    date: datetime.date
    stored: tuple[Any, ...]
    computed: tuple[Any, ...]

    def describe(self) -> str:
        return (
            f"customer #{self.contact_id}: day {self.date} says {self.stored} "
            f"(postings: {self.computed})"
        )


def days_check(*, organisation: Organisation | None = None) -> list[DayDrift]:
    """Each customer's days against their postings (in the currency's minor unit: SQLite
    sums decimals in floating point)."""
    contacts = Contact.objects.all()
    if organisation is not None:
        contacts = contacts.filter(organisation=organisation)
    currencies = dict(contacts.values_list("pk", "currency"))

    def keyed(rows: Any) -> dict[tuple[int, datetime.date], tuple[Any, ...]]:
        return {
            (row["contact_id"], row["date"]): tuple(
                row[f] if f == "lines" else money.quantize(row[f], currencies[row["contact_id"]])
                for f in ledger.DAY_FIELDS
            )
            for row in rows
        }

    stored = keyed(ledger.days_stored(contacts=contacts))
    computed = keyed(ledger.days_computed(contacts=contacts))
    nothing = (None,) * len(ledger.DAY_FIELDS)
    return [
        DayDrift(key[0], key[1], stored.get(key, nothing), computed.get(key, nothing))
        for key in sorted(stored.keys() | computed.keys())
        if stored.get(key) != computed.get(key)
    ]


@dataclass(frozen=True)
class CountDrift:
    """A kept count of the portal's lists (`sales.counts`) that says other than the documents."""

    contact_id: int
    kind: str
    key: str
    stored: int
    computed: int

    def describe(self) -> str:
        return (
            f"customer #{self.contact_id}: {self.kind} {self.key} counted {self.stored} "
            f"(documents: {self.computed})"
        )


def counts_check(
    *, organisation: Organisation | None = None, repair: bool = False
) -> list[CountDrift]:
    """Each customer's kept counts against their documents; `repair`: the drifted customers'
    counts are written again from the documents (in one transaction)."""
    contacts = Contact.objects.all()
    if organisation is not None:
        contacts = contacts.filter(organisation=organisation)
    computed = counts.counts_computed(contacts=contacts)
    stored = counts.counts_stored(contacts=contacts)
    drifts = []
    for found in sorted(computed.keys() | stored.keys()):
        _, contact_id, kind, key = found
        if stored.get(found, 0) != computed.get(found, 0):
            drifts.append(
                CountDrift(contact_id, kind, key, stored.get(found, 0), computed.get(found, 0))
            )
    if repair and drifts:
        with transaction.atomic():
            counts.counts_load(contacts=contacts.filter(pk__in={d.contact_id for d in drifts}))
    return drifts


# --- the books against the gateway's record --------------------------------------------------


class Difference(StrEnum):
    NO_CHARGE = "no_charge"
    NO_PAYMENT = "no_payment"
    AMOUNT = "amount"
    UNREADABLE = "unreadable"


@dataclass(frozen=True)
class GatewayDifference:
    """One way an organisation's online payments and a gateway's charges disagree."""

    difference: Difference
    organisation: str
    gateway: str
    transaction_id: str = ""
    payment: str = ""
    payment_amount: Decimal | None = None
    charge_amount: Decimal | None = None
    currency: str = ""
    detail: str = ""

    def describe(self) -> str:
        where = f"{self.organisation} · {self.gateway}"
        if self.difference == Difference.NO_CHARGE:
            return (
                f"{where}: payment {self.payment} ({self.payment_amount} {self.currency}) is "
                f"recorded as online, but the gateway has no succeeded charge "
                f"{self.transaction_id or '(no transaction id)'}"
                + (f" ({self.detail})" if self.detail else "")
            )
        if self.difference == Difference.NO_PAYMENT:
            return (
                f"{where}: charge {self.transaction_id} of {self.charge_amount} {self.currency} "
                f"succeeded, but no payment records it"
            )
        if self.difference == Difference.AMOUNT:
            return (
                f"{where}: payment {self.payment} is {self.payment_amount} {self.currency}, "
                f"charge {self.transaction_id} is {self.charge_amount} {self.currency}"
            )
        return f"{where}: the gateway's charges could not be read ({self.detail})"


def gateway_check(
    *, organisation: Organisation | None = None, since: datetime.date | None = None
) -> list[GatewayDifference]:
    """Compare every online payment with the charges its gateway recorded, per organisation and
    gateway kind: a payment with no succeeded charge, a succeeded charge with no payment, and
    amounts that differ. `since` limits both sides to that day and later."""
    accounts = GatewayAccount.objects.select_related("organisation").order_by("pk")
    if organisation is not None:
        accounts = accounts.filter(organisation=organisation)
    groups: dict[tuple[int, str], list[GatewayAccount]] = {}
    for account in accounts:
        groups.setdefault((account.organisation_id, account.kind), []).append(account)
    start = (
        datetime.datetime.combine(since, datetime.time.min, tzinfo=datetime.UTC)
        if since is not None
        else None
    )
    found: list[GatewayDifference] = []
    for (organisation_id, kind), members in groups.items():
        org_name = members[0].organisation.name
        label = ", ".join(account.display_name for account in members)
        charges: dict[str, ChargeResult] = {}
        unreadable = False
        for account in members:
            try:
                # A day earlier: a payment's date is the organisation's day, not UTC's.
                earlier = start - datetime.timedelta(days=1) if start is not None else None
                for listed in registry.gateway_for(account).charges(created_from=earlier):
                    charges[listed.transaction_id] = listed
            except GatewayError as exc:
                found.append(
                    GatewayDifference(
                        Difference.UNREADABLE, org_name, account.display_name, detail=exc.message
                    )
                )
                unreadable = True
        if unreadable:
            continue  # half a record would report every payment of the other half as missing
        payments = Payment.objects.filter(
            organisation_id=organisation_id, source=Payment.Source.ONLINE, gateway=kind
        ).order_by("pk")
        if since is not None:
            payments = payments.filter(date__gte=since)
        recorded: set[str] = set()
        for number, amount, currency, transaction_id in payments.values_list(
            "number", "amount", "currency", "gateway_transaction_id"
        ):
            recorded.add(transaction_id)
            charge = charges.get(transaction_id)
            if charge is None or not charge.succeeded:
                detail = f"the charge {charge.status}" if charge is not None else ""
                found.append(
                    GatewayDifference(
                        Difference.NO_CHARGE,
                        org_name,
                        label,
                        transaction_id=transaction_id,
                        payment=number,
                        payment_amount=amount,
                        currency=currency,
                        detail=detail,
                    )
                )
            elif money.quantize(charge.amount, currency) != money.quantize(amount, currency):
                found.append(
                    GatewayDifference(
                        Difference.AMOUNT,
                        org_name,
                        label,
                        transaction_id=transaction_id,
                        payment=number,
                        payment_amount=amount,
                        charge_amount=charge.amount,
                        currency=currency,
                    )
                )
        for transaction_id, made in charges.items():
            before = start is not None and (made.created_at is None or made.created_at < start)
            if made.succeeded and transaction_id not in recorded and not before:
                found.append(
                    GatewayDifference(
                        Difference.NO_PAYMENT,
                        org_name,
                        label,
                        transaction_id=transaction_id,
                        charge_amount=made.amount,
                        currency=made.currency,
                    )
                )
    return found
