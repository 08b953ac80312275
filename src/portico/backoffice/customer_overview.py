"""The customer's overview in the back office: what they owe, who can use the portal, what they
said and did, their latest documents, in a fixed number of queries whatever their history.

Composes each app's selectors (statements' aging, the ledger's balance, payments' last payment);
figures are never worked out here.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portico.activity.models import ActivityLog, Comment
from portico.contacts.models import Contact, ContactPerson, Review
from portico.payments import selectors as payment_selectors
from portico.payments.models import Payment
from portico.sales.models import CreditNote, Estimate, Invoice, SalesOrder
from portico.statements import selectors as statement_selectors

LATEST = 5
RECENT = 10


@dataclass(frozen=True)
class Balances:
    currency: str
    outstanding: Decimal
    overdue: Decimal
    unused_credit: Decimal
    last_payment: Payment | None


@dataclass(frozen=True)
class DocumentGroup:
    title: Any
    changelist_url: str
    documents: list[Any]
    url_name: str


@dataclass(frozen=True)
class CustomerOverview:
    contact: Contact
    balances: Balances
    persons: list[ContactPerson]
    reviews: list[Review]
    comments: list[Comment]
    activity: list[ActivityLog]
    documents: list[DocumentGroup]


def balances_of(contact: Contact, today: datetime.date) -> Balances:
    aging = statement_selectors.aging_for(contact=contact, as_of=today)
    balance = payment_selectors.customer_balance(contact=contact)
    return Balances(
        currency=contact.currency,
        outstanding=aging.total,
        overdue=aging.total - aging.current,
        unused_credit=balance.unused_credit,
        last_payment=payment_selectors.last_payment(contact=contact),
    )


def _latest(queryset: QuerySet[Any]) -> list[Any]:
    return list(queryset.order_by("-issue_date", "-id")[:LATEST])


def documents_of(contact: Contact) -> list[DocumentGroup]:
    """The latest documents of each kind, with the link to all of them."""
    own: dict[str, Any] = {"organisation_id": contact.organisation_id, "contact": contact}
    invoices = Invoice.objects.filter(**own)
    kinds: list[tuple[Any, QuerySet[Any], str, str]] = [
        (_("Estimates"), Estimate.objects.filter(**own), "sales_estimate", ""),
        (
            _("Invoices"),
            invoices.filter(kind=Invoice.Kind.REGULAR),
            "sales_invoice",
            f"&kind__exact={Invoice.Kind.REGULAR}",
        ),
        (
            _("Retainer invoices"),
            invoices.filter(kind=Invoice.Kind.RETAINER),
            "sales_invoice",
            f"&kind__exact={Invoice.Kind.RETAINER}",
        ),
        (_("Sales orders"), SalesOrder.objects.filter(**own), "sales_salesorder", ""),
        (_("Credit notes"), CreditNote.objects.filter(**own), "sales_creditnote", ""),
    ]
    groups = []
    for title, queryset, url_name, extra in kinds:
        groups.append(
            DocumentGroup(
                title=title,
                changelist_url=(
                    f"{reverse(f'admin:{url_name}_changelist')}?contact__id__exact={contact.pk}"
                    + extra
                ),
                documents=_latest(queryset),
                url_name=f"admin:{url_name}_change",
            )
        )
    return groups


def overview_for(*, contact: Contact, today: datetime.date | None = None) -> CustomerOverview:
    """Everything on the customer's page beside the form (13 queries, at any size)."""
    organisation_id = contact.organisation_id
    today = today or timezone.localdate()
    comments = (
        Comment.objects.filter(organisation_id=organisation_id, contact=contact)
        .select_related(
            "author_user", "author_person", "estimate", "invoice", "sales_order", "approval"
        )
        .order_by("-created_at", "-id")[:RECENT]
    )
    return CustomerOverview(
        contact=contact,
        balances=balances_of(contact, today),
        persons=list(
            ContactPerson.objects.filter(organisation_id=organisation_id, contact=contact)
            .select_related("user")
            .order_by("-is_primary", "first_name", "last_name", "id")
        ),
        reviews=list(
            Review.objects.filter(organisation_id=organisation_id, contact=contact)
            .select_related("person")
            .order_by("-updated_at", "-id")[:RECENT]
        ),
        comments=list(comments),
        activity=list(
            ActivityLog.objects.filter(organisation_id=organisation_id, contact=contact)
            .select_related("person")
            .order_by("-created_at", "-id")[:RECENT]
        ),
        documents=documents_of(contact),
    )


def comment_target(comment: Comment) -> tuple[str, str]:
    """(label, back-office link) of the document a comment is on."""
    for field, url_name in (
        ("estimate", "admin:sales_estimate_change"),
        ("invoice", "admin:sales_invoice_change"),
        ("sales_order", "admin:sales_salesorder_change"),
        ("approval", "admin:projects_timesheetapproval_change"),
    ):
        target = getattr(comment, field)
        if target is not None:
            return str(target), reverse(url_name, args=[target.pk])
    return "", ""
