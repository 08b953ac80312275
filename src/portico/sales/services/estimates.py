"""Estimates: create, update, send, view, accept, decline, expire, convert to an invoice."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portico.contacts.models import Contact
from portico.core import events
from portico.core.errors import DomainError
from portico.sales import counts, transitions
from portico.sales.models import Estimate, EstimateLine, EstimateRevision, Invoice
from portico.sales.services.common import LineInput, document_edit, document_new, lines_of
from portico.sales.services.invoices import invoice_create

Status = Estimate.Status
EDITABLE = (Status.DRAFT, Status.SENT, Status.VIEWED)


@transaction.atomic
def estimate_create(
    *,
    contact: Contact,
    lines: Sequence[LineInput],
    issue_date: datetime.date,
    expiry_date: datetime.date | None = None,
    notes: str = "",
    terms: str = "",
    discount: Decimal = Decimal(0),
    reference: str = "",
) -> Estimate:
    if expiry_date is not None and expiry_date < issue_date:
        raise DomainError(
            "The expiry date is before the estimate date.", code="expiry_before_issue"
        )
    return document_new(
        model=Estimate,
        line_model=EstimateLine,
        contact=contact,
        lines=lines,
        discount=discount,
        issue_date=issue_date,
        expiry_date=expiry_date,
        notes=notes,
        terms=terms,
        reference=reference,
    )


def estimate_lock(estimate: Estimate) -> Estimate:
    """The estimate read afresh, its row locked until the caller's transaction ends."""
    return (
        Estimate.objects.select_for_update(of=("self",))
        .select_related("contact")
        .get(pk=estimate.pk)
    )


_lock = estimate_lock


@transaction.atomic
def estimate_update(
    *,
    estimate: Estimate,
    lines: Sequence[LineInput] | None = None,
    issue_date: datetime.date | None = None,
    expiry_date: datetime.date | None = None,
    notes: str | None = None,
    terms: str | None = None,
    discount: Decimal | None = None,
) -> Estimate:
    estimate = _lock(estimate)
    if estimate.status not in EDITABLE:
        raise DomainError(_("An answered estimate cannot be edited."), code="estimate_answered")
    document_edit(
        document=estimate,
        line_model=EstimateLine,
        lines=lines,
        discount=discount,
        issue_date=issue_date,
        expiry_date=expiry_date,
        notes=notes,
        terms=terms,
    )
    estimate.save()
    return estimate


def _move(estimate: Estimate, target: str, **fields: object) -> Estimate:
    estimate = _lock(estimate)
    transitions.move(estimate, target)
    for name, value in fields.items():
        setattr(estimate, name, value)
    estimate.save()
    return estimate


@transaction.atomic
def estimate_send(*, estimate: Estimate) -> Estimate:
    sent = _move(estimate, Status.SENT)
    events.emit(
        organisation_id=sent.organisation_id,
        type="estimate.sent",
        data=events.object_data("estimate", sent),
    )
    return sent


@transaction.atomic
def estimate_mark_viewed(*, estimate: Estimate, when: datetime.datetime | None = None) -> Estimate:
    estimate = _lock(estimate)
    if estimate.first_viewed_at is None:
        estimate.first_viewed_at = when or timezone.now()
    if estimate.status == Status.SENT:
        transitions.move(estimate, Status.VIEWED)
    estimate.save()
    return estimate


@transaction.atomic
def estimate_accept(
    *,
    estimate: Estimate,
    signed_name: str = "",
    ip: str | None = None,
    when: datetime.datetime | None = None,
) -> Estimate:
    """Accept an open estimate that has not expired (expiry is checked on the day of `when`,
    now by default); the signature — name, time, IP — is kept here, once."""
    return estimate_accept_locked(
        estimate=_lock(estimate), signed_name=signed_name, ip=ip, when=when
    )


def estimate_accept_locked(
    *,
    estimate: Estimate,
    signed_name: str = "",
    ip: str | None = None,
    when: datetime.datetime | None = None,
) -> Estimate:
    """`estimate_accept` inside the caller's transaction, for an estimate it read there with
    `estimate_lock` (so the row is read once, and no savepoint is taken)."""
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError("Accept an estimate in a transaction.")
    when = when or timezone.now()
    if estimate.expiry_date is not None and estimate.expiry_date < timezone.localdate(when):
        raise DomainError(
            _("This estimate has expired; ask for a new one."), code="estimate_expired"
        )
    transitions.move(estimate, Status.ACCEPTED)
    estimate.accepted_at = when
    estimate.signed_name = signed_name.strip()[:200]
    estimate.accepted_ip = ip
    estimate.save(
        update_fields=["status", "accepted_at", "signed_name", "accepted_ip", "updated_at"]
    )
    return estimate


@transaction.atomic
def estimate_decline(*, estimate: Estimate, reason: str = "") -> Estimate:
    return _move(estimate, Status.DECLINED, declined_at=timezone.now(), decline_reason=reason)


@transaction.atomic
def estimate_expire(*, estimate: Estimate) -> Estimate:
    return _move(estimate, Status.EXPIRED)


@transaction.atomic
def estimate_expire_due(*, today: datetime.date) -> int:
    """Expire every unanswered estimate past its expiry date; safe to run twice."""
    # Locked in key order, then counted here: PostgreSQL refuses FOR UPDATE with GROUP BY.
    due = list(
        Estimate.objects.select_for_update()
        .filter(status__in=(Status.SENT, Status.VIEWED), expiry_date__lt=today)
        .order_by("pk")
        .values_list("pk", "organisation_id", "contact_id", "status")
    )
    moving = Counter(
        (organisation_id, contact_id, status) for _, organisation_id, contact_id, status in due
    )
    expired = Estimate.objects.filter(pk__in=[row[0] for row in due]).update(
        status=Status.EXPIRED, updated_at=timezone.now()
    )
    for (organisation_id, contact_id, status), n in moving.items():
        counts.shift(
            organisation_id=organisation_id,
            contact_id=contact_id,
            kind=Estimate.DOCUMENT_KIND,
            before=status,
            after=Status.EXPIRED,
            n=n,
        )
    return expired


@transaction.atomic
def estimate_convert_to_invoice(
    *,
    estimate: Estimate,
    issue_date: datetime.date | None = None,
    due_date: datetime.date | None = None,
) -> Invoice:
    """An accepted estimate becomes a draft invoice with the same lines."""
    estimate = _lock(estimate)
    transitions.move(estimate, Status.INVOICED)
    estimate.save()
    return invoice_create(
        contact=estimate.contact,
        lines=lines_of(estimate),
        issue_date=issue_date or timezone.localdate(),
        due_date=due_date,
        notes=estimate.notes,
        terms=estimate.terms,
        discount=estimate.discount,
        reference=estimate.number,
        estimate=estimate,
    )


REVISABLE = (Status.SENT, Status.VIEWED, Status.DECLINED)


@transaction.atomic
def estimate_revise(*, estimate: Estimate, reason: str = "") -> EstimateRevision:
    """Start a new revision of a declined estimate, or of one the customer asked to change.

    The revision the customer answered is frozen as an `EstimateRevision` (lines, totals, their
    decline reason, or `reason`); the estimate goes back to draft, editable, under the same
    number, and reaches the customer again with `estimate_send`.
    """
    estimate = _lock(estimate)
    if estimate.status not in REVISABLE:
        raise DomainError(
            _("Only a sent or declined estimate can be revised."), code="estimate_not_revisable"
        )
    previous = EstimateRevision.objects.filter(estimate=estimate).count()
    rows = list(estimate.lines.select_related("tax"))
    revision = EstimateRevision.objects.create(
        organisation_id=estimate.organisation_id,
        estimate=estimate,
        revision=previous + 1,
        status=estimate.status,
        reason=(estimate.decline_reason or reason).strip(),
        issue_date=estimate.issue_date,
        expiry_date=estimate.expiry_date,
        currency=estimate.currency,
        discount=estimate.discount,
        subtotal=estimate.subtotal,
        tax_total=estimate.tax_total,
        total=estimate.total,
        lines=[
            {
                "description": row.description,
                "quantity": str(row.quantity.normalize()),
                "rate": str(row.rate),
                "discount_percent": str(row.discount_percent),
                "tax": f"{row.tax.name} ({row.tax.rate.normalize()}%)" if row.tax else "",
                "amount": str(row.amount),
            }
            for row in rows
        ],
    )
    transitions.move(estimate, Status.DRAFT)
    estimate.declined_at = None
    estimate.decline_reason = ""
    estimate.save()
    return revision


def estimate_revision_number(estimate: Estimate) -> int:
    """The revision the estimate is at now (1 until it is first revised)."""
    return EstimateRevision.objects.filter(estimate=estimate).count() + 1
