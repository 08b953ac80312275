"""Writes to projects, time entries and timesheet approvals.

Every function returns what it changed; notifications (the customer is asked to approve, the
business is told of a decision) are sent by callers from these return values.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portico.accounts.models import Membership, User
from portico.contacts.models import Contact, ContactPerson
from portico.core.errors import DomainError
from portico.orgs.models import Organisation
from portico.projects import selectors
from portico.projects.models import MAX_HOURS_PER_ENTRY, Project, TimeEntry, TimesheetApproval
from portico.sales import services as sales_services

if TYPE_CHECKING:
    from portico.sales.models import Invoice

PROJECT_EDITABLE_FIELDS = frozenset(
    {"contact", "name", "description", "billing_method", "rate", "budget_hours", "show_in_portal"}
)
TIME_ENTRY_EDITABLE_FIELDS = frozenset({"date", "hours", "task", "notes", "billable", "user"})
MAX_REASON_LENGTH = 2000


# --- checks shared by the services (and by the back-office forms) -----------------------------


def _decimal(value: Any, *, field: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise DomainError(f"{field} must be a number.", code="not_a_number", field=field) from None
    if not number.is_finite():
        raise DomainError(f"{field} must be a number.", code="not_a_number", field=field)
    return number


def _not_negative(value: Any, *, field: str) -> Decimal:
    number = _decimal(value, field=field)
    if number < 0:
        raise DomainError(f"{field} cannot be negative.", code="negative_amount", field=field)
    return number


def clean_hours(hours: Any) -> Decimal:
    number = _decimal(hours, field="hours")
    if number <= 0:
        raise DomainError(
            _("Hours must be more than zero."), code="hours_not_positive", field="hours"
        )
    if number > MAX_HOURS_PER_ENTRY:
        raise DomainError(
            "One entry cannot be more than 24 hours.", code="hours_over_limit", field="hours"
        )
    if number != number.quantize(Decimal("0.01")):
        raise DomainError(
            "Hours take at most two decimal places.", code="hours_too_precise", field="hours"
        )
    return number


def clean_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if not isinstance(value, datetime.date):
        raise DomainError(_("Give the date the work was done."), code="date_required", field="date")
    return value


def _require_text(value: str, *, field: str, code: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise DomainError(message, code=code, field=field)
    return text


def _ensure_customer(organisation_id: int, contact: Contact) -> None:
    if contact.organisation_id != organisation_id:
        raise DomainError(
            "This customer belongs to another organisation.", code="foreign_record", field="contact"
        )
    if contact.is_deleted:
        raise DomainError(_("This customer is deleted."), code="contact_deleted", field="contact")


def _ensure_member(organisation_id: int, user: User | None) -> None:
    if user is None:
        return
    if not Membership.objects.filter(user=user, organisation_id=organisation_id).exists():
        raise DomainError(
            "This person does not work for the organisation.", code="foreign_user", field="user"
        )


def project_ensure_accepts_time(*, project: Project) -> None:
    """Time is logged on active projects only."""
    if project.status != Project.Status.ACTIVE:
        raise DomainError(
            "Time can only be logged on an active project.", code="project_not_active"
        )


def time_entry_ensure_editable(*, entry: TimeEntry) -> None:
    """Refuse changes to time the customer is looking at, has approved, or was billed for."""
    if entry.invoice_id is not None:
        raise DomainError(_("This time has been invoiced."), code="entry_invoiced")
    approval = entry.approval
    if approval is not None and approval.status in TimesheetApproval.HOLDING_STATUSES:
        raise DomainError(
            "This time is in a timesheet that is pending or approved.", code="entry_in_approval"
        )


# --- projects ---------------------------------------------------------------------------------


def _validated_project(project: Project) -> Project:
    _require_text(
        project.name, field="name", code="name_required", message="A project needs a name."
    )
    project.rate = _not_negative(project.rate, field="rate")
    if project.budget_hours is not None:
        project.budget_hours = _not_negative(project.budget_hours, field="budget_hours")
    if project.billing_method not in Project.BillingMethod.values:
        raise DomainError(
            "Unknown billing method.", code="invalid_billing_method", field="billing_method"
        )
    project.full_clean()
    return project


@transaction.atomic
def project_create(
    *,
    organisation: Organisation,
    contact: Contact,
    name: str,
    billing_method: str = Project.BillingMethod.PROJECT_HOURS,
    rate: Decimal = Decimal("0"),
    budget_hours: Decimal | None = None,
    description: str = "",
    show_in_portal: bool = True,
) -> Project:
    _ensure_customer(organisation.pk, contact)
    project = Project(
        organisation=organisation,
        contact=contact,
        name=(name or "").strip(),
        description=description,
        billing_method=billing_method,
        rate=rate,
        budget_hours=budget_hours,
        show_in_portal=show_in_portal,
    )
    _validated_project(project).save()
    return project


def project_ensure_contact_change_allowed(*, project: Project, contact: Contact) -> None:
    if project.pk is None or contact.pk == project.contact_id:
        return
    _ensure_customer(project.organisation_id, contact)
    # The customer has seen or approved this time; it stays theirs.
    if project.time_entries.exists():
        raise DomainError(
            "The customer of a project with logged time cannot change.",
            code="project_has_time",
            field="contact",
        )


@transaction.atomic
def project_update(*, project: Project, **changes: Any) -> Project:
    unknown = set(changes) - PROJECT_EDITABLE_FIELDS
    if unknown:
        raise DomainError(
            f"These fields cannot be changed here: {', '.join(sorted(unknown))}.",
            code="field_not_editable",
        )
    if changes.get("contact") is not None:
        project_ensure_contact_change_allowed(project=project, contact=changes["contact"])
    for name, value in changes.items():
        setattr(project, name, value.strip() if name == "name" and value else value)
    _validated_project(project).save()
    return project


def _project_set_status(project: Project, target: str) -> Project:
    locked = Project.objects.select_for_update().get(pk=project.pk)
    locked.ensure_can_become(target)
    locked.status = target
    locked.save(update_fields=["status", "updated_at"])
    project.status = locked.status
    return locked


@transaction.atomic
def project_complete(*, project: Project) -> Project:
    return _project_set_status(project, Project.Status.COMPLETED)


@transaction.atomic
def project_cancel(*, project: Project) -> Project:
    return _project_set_status(project, Project.Status.CANCELLED)


@transaction.atomic
def project_reopen(*, project: Project) -> Project:
    return _project_set_status(project, Project.Status.ACTIVE)


# --- time entries -----------------------------------------------------------------------------


@transaction.atomic
def time_entry_log(
    *,
    organisation: Organisation,
    project: Project,
    date: datetime.date,
    hours: Decimal,
    task: str,
    notes: str = "",
    billable: bool = True,
    user: User | None = None,
) -> TimeEntry:
    if project.organisation_id != organisation.pk:
        raise DomainError(
            "This project belongs to another organisation.", code="foreign_record", field="project"
        )
    project_ensure_accepts_time(project=project)
    _ensure_member(organisation.pk, user)
    entry = TimeEntry(
        organisation=organisation,
        project=project,
        date=clean_date(date),
        hours=clean_hours(hours),
        task=_require_text(task, field="task", code="task_required", message="Name the task."),
        notes=notes,
        billable=billable,
        user=user,
    )
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def time_entry_update(*, entry: TimeEntry, **changes: Any) -> TimeEntry:
    unknown = set(changes) - TIME_ENTRY_EDITABLE_FIELDS
    if unknown:
        raise DomainError(
            f"These fields cannot be changed here: {', '.join(sorted(unknown))}.",
            code="field_not_editable",
        )
    (locked,) = _lock_entries([entry])
    time_entry_ensure_editable(entry=locked)
    if "hours" in changes:
        changes["hours"] = clean_hours(changes["hours"])
    if "date" in changes:
        changes["date"] = clean_date(changes["date"])
    if "task" in changes:
        changes["task"] = _require_text(
            changes["task"], field="task", code="task_required", message="Name the task."
        )
    if "user" in changes:
        _ensure_member(locked.organisation_id, changes["user"])
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def time_entry_delete(*, entry: TimeEntry) -> None:
    (locked,) = _lock_entries([entry])
    time_entry_ensure_editable(entry=locked)
    locked.delete()


# --- timesheet approvals ----------------------------------------------------------------------


def _lock_entries(entries: Iterable[TimeEntry]) -> list[TimeEntry]:
    """Lock the entries (in primary-key order), then read their approvals as committed now.

    The approvals are read after the lock, not joined to it, so a transaction that waited
    for the lock sees the approval another one just attached.
    """
    ids = sorted({entry.pk for entry in entries})
    locked = list(TimeEntry.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    approval_ids = {entry.approval_id for entry in locked if entry.approval_id is not None}
    approvals = TimesheetApproval.objects.in_bulk(approval_ids)
    for entry in locked:
        entry.approval = approvals.get(entry.approval_id) if entry.approval_id else None
    return locked


@transaction.atomic
def timesheet_send_for_approval(
    *, project: Project, entries: Sequence[TimeEntry] | Iterable[TimeEntry]
) -> TimesheetApproval:
    """Put billable, unapproved entries of one project in front of its customer.

    The caller notifies the customer's contact persons from the returned approval.
    """
    if not project.show_in_portal:
        # The customer decides in the portal; a hidden project's timesheet would never reach them.
        raise DomainError(
            "This project is not shown in the portal, so its customer cannot approve time.",
            code="project_not_in_portal",
        )
    if project.contact.is_deleted:
        raise DomainError(_("This customer is deleted."), code="contact_deleted")
    locked = _lock_entries(entries)
    if not locked:
        raise DomainError(_("Choose the time entries to send."), code="no_entries")
    for entry in locked:
        if entry.project_id != project.pk or entry.organisation_id != project.organisation_id:
            raise DomainError(
                "Every entry must belong to this project.", code="entry_of_another_project"
            )
        if not entry.billable:
            raise DomainError(
                "Non-billable time is not sent for approval.", code="entry_not_billable"
            )
        time_entry_ensure_editable(entry=entry)
    approval = TimesheetApproval.objects.create(
        organisation_id=project.organisation_id, project=project, sent_at=timezone.now()
    )
    approval.entries.set(locked)
    TimeEntry.objects.filter(pk__in=[entry.pk for entry in locked]).update(approval=approval)
    return approval


@transaction.atomic
def timesheet_mark_viewed(
    *, approval: TimesheetApproval, when: datetime.datetime | None = None
) -> bool:
    """The customer opened it in the portal; True only the first time (to notify the business)."""
    when = when or timezone.now()
    first = TimesheetApproval.objects.filter(pk=approval.pk, first_viewed_at__isnull=True).update(
        first_viewed_at=when
    )
    if first:
        approval.first_viewed_at = when
    return bool(first)


def _lock_pending_decision(
    approval: TimesheetApproval, person: ContactPerson, target: str
) -> TimesheetApproval:
    locked = (
        TimesheetApproval.objects.select_for_update(of=("self",))
        .select_related("project")
        .get(pk=approval.pk)
    )
    if (
        person.organisation_id != locked.organisation_id
        or person.contact_id != locked.project.contact_id
    ):
        raise DomainError(
            "Only the project's customer can decide on this timesheet.", code="foreign_person"
        )
    locked.ensure_can_become(target)
    return locked


def _decide(
    approval: TimesheetApproval, person: ContactPerson, target: str, reason: str = ""
) -> TimesheetApproval:
    locked = _lock_pending_decision(approval, person, target)
    locked.status = target
    locked.reason = reason
    locked.decided_by = person
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "reason", "decided_by", "decided_at", "updated_at"])
    return locked


@transaction.atomic
def timesheet_approve(*, approval: TimesheetApproval, person: ContactPerson) -> TimesheetApproval:
    """The customer's person approves; the entries can then be invoiced."""
    return timesheet_approve_in_transaction(approval=approval, person=person)


def timesheet_approve_in_transaction(
    *, approval: TimesheetApproval, person: ContactPerson
) -> TimesheetApproval:
    """`timesheet_approve` inside the caller's transaction (the portal's, which records and
    notifies in the same one), without a savepoint of its own."""
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError("Approve a timesheet in a transaction.")
    return _decide(approval, person, TimesheetApproval.Status.APPROVED)


@transaction.atomic
def timesheet_reject(
    *, approval: TimesheetApproval, person: ContactPerson, reason: str
) -> TimesheetApproval:
    """The customer's person rejects with a reason; the entries become editable again."""
    text = _require_text(
        reason, field="reason", code="reason_required", message="Say why the time is rejected."
    )
    if len(text) > MAX_REASON_LENGTH:
        raise DomainError(
            f"Keep the reason under {MAX_REASON_LENGTH} characters.",
            code="reason_too_long",
            field="reason",
        )
    return _decide(approval, person, TimesheetApproval.Status.REJECTED, text)


# --- invoicing approved time ------------------------------------------------------------------


def _invoice_lines(
    project: Project, entries: Sequence[TimeEntry]
) -> list[sales_services.LineInput]:
    """One line per task, in the order the tasks were first worked on: hours × project rate."""
    by_task: dict[str, list[TimeEntry]] = {}
    for entry in sorted(entries, key=lambda e: (e.date, e.pk)):
        by_task.setdefault(entry.task, []).append(entry)
    lines = []
    for task, task_entries in by_task.items():
        first, last = task_entries[0].date, task_entries[-1].date
        period = f"{first:%Y-%m-%d}" if first == last else f"{first:%Y-%m-%d} – {last:%Y-%m-%d}"
        lines.append(
            sales_services.LineInput(
                description=f"{project.name}: {task} ({period})",
                quantity=sum((Decimal(e.hours) for e in task_entries), Decimal("0")),
                rate=Decimal(project.rate),
            )
        )
    return lines


@transaction.atomic
def time_entries_invoice(
    *,
    project: Project,
    entries: Sequence[TimeEntry] | Iterable[TimeEntry] | None = None,
    issue_date: datetime.date,
) -> Invoice:
    """Bill approved, billable, not yet invoiced time of an hourly project on one draft invoice.

    Without `entries`, all such time of the project is billed. Returns the `sales.Invoice`.
    """
    if not project.is_hourly:
        raise DomainError(
            "A fixed-cost project is not invoiced by the hour.", code="project_not_hourly"
        )
    chosen = selectors.time_entries_invoiceable(project=project) if entries is None else entries
    locked = _lock_entries(chosen)
    if not locked:
        raise DomainError(_("There is no approved time to invoice."), code="no_entries")
    for entry in locked:
        if entry.project_id != project.pk or entry.organisation_id != project.organisation_id:
            raise DomainError(
                "Every entry must belong to this project.", code="entry_of_another_project"
            )
        if entry.invoice_id is not None:
            raise DomainError(_("This time has been invoiced."), code="entry_invoiced")
        if not entry.billable:
            raise DomainError(_("Non-billable time is not invoiced."), code="entry_not_billable")
        if entry.approval is None or entry.approval.status != TimesheetApproval.Status.APPROVED:
            raise DomainError(
                "Only time the customer approved is invoiced.", code="entry_not_approved"
            )
    invoice = sales_services.invoice_create(
        contact=project.contact, lines=_invoice_lines(project, locked), issue_date=issue_date
    )
    TimeEntry.objects.filter(pk__in=[entry.pk for entry in locked]).update(
        invoice=invoice, invoiced_at=timezone.now()
    )
    return invoice


@transaction.atomic
def time_entries_release_invoice(*, invoice: Invoice) -> int:
    """After an invoice is voided its time can be invoiced again; answers how many entries."""
    if invoice.status != "void":
        raise DomainError(
            _("Time is released only from a voided invoice."), code="invoice_not_void"
        )
    return TimeEntry.objects.filter(
        organisation_id=invoice.organisation_id, invoice=invoice
    ).update(invoice=None, invoiced_at=None)
