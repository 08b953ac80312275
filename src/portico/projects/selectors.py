"""Reads of projects, time and timesheet approvals, always filtered by their principal first.

Hour totals are SQL aggregates (one query whatever the number of entries); the back office
passes its organisation, the portal passes its scope's (organisation, contact) pair.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import UUID

from django.core.paginator import Page
from django.db.models import Count, DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from portico.contacts.models import Contact
from portico.contacts.scope import SAMPLE_PUBLIC_ID, PortalScope
from portico.core import prepared
from portico.core.tenancy import get_for_scope, public_id_or_404
from portico.orgs.models import Organisation
from portico.projects.models import Project, TimeEntry, TimesheetApproval
from portico.sales.portal_selectors import ListQuery, PreparedList

HOURS = DecimalField(max_digits=12, decimal_places=2)
ZERO = Decimal("0.00")
APPROVED = TimesheetApproval.Status.APPROVED
PENDING = TimesheetApproval.Status.PENDING


def _hours(path: str, condition: Q | None = None) -> Coalesce:
    return Coalesce(Sum(path, filter=condition), Value(ZERO), output_field=HOURS)


def _entry_totals(prefix: str) -> dict[str, Any]:
    """Hour sums over time entries, reached from the queried model through `prefix`."""
    billable = Q(**{f"{prefix}billable": True})
    return {
        "hours_logged": _hours(f"{prefix}hours"),
        "billable_hours": _hours(f"{prefix}hours", billable),
        "pending_hours": _hours(
            f"{prefix}hours", billable & Q(**{f"{prefix}approval__status": PENDING})
        ),
        "approved_hours": _hours(
            f"{prefix}hours", billable & Q(**{f"{prefix}approval__status": APPROVED})
        ),
        "invoiced_hours": _hours(f"{prefix}hours", Q(**{f"{prefix}invoice__isnull": False})),
    }


@dataclass(frozen=True)
class ProjectTotals:
    hours_logged: Decimal
    billable_hours: Decimal
    pending_hours: Decimal
    approved_hours: Decimal
    invoiced_hours: Decimal
    budget_hours: Decimal | None

    @property
    def budget_used_percent(self) -> Decimal | None:
        """Share of the budget logged so far, e.g. 112.5 when over budget; None without one."""
        if not self.budget_hours:
            return None
        return (self.hours_logged * 100 / self.budget_hours).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    @property
    def budget_remaining_hours(self) -> Decimal | None:
        if self.budget_hours is None:
            return None
        return self.budget_hours - self.hours_logged

    @property
    def over_budget(self) -> bool:
        return self.budget_hours is not None and self.hours_logged > self.budget_hours

    @classmethod
    def of(cls, project: Project) -> ProjectTotals:
        """From a project annotated by one of this module's list selectors."""
        return cls(
            hours_logged=project.hours_logged,  # type: ignore[attr-defined]
            billable_hours=project.billable_hours,  # type: ignore[attr-defined]
            pending_hours=project.pending_hours,  # type: ignore[attr-defined]
            approved_hours=project.approved_hours,  # type: ignore[attr-defined]
            invoiced_hours=project.invoiced_hours,  # type: ignore[attr-defined]
            budget_hours=project.budget_hours,
        )


def with_totals(queryset: QuerySet[Project]) -> QuerySet[Project]:
    return queryset.annotate(**_entry_totals("time_entries__"))


# --- back office ------------------------------------------------------------------------------


def project_list(*, organisation: Organisation, status: str | None = None) -> QuerySet[Project]:
    projects = Project.objects.filter(organisation=organisation).select_related("contact")
    if status is not None:
        projects = projects.filter(status=status)
    return with_totals(projects)


def project_get(*, organisation: Organisation, project_id: UUID | str) -> Project:
    """Raises `Http404` for a missing id and for another organisation's project alike."""
    return get_for_scope(
        project_list(organisation=organisation), project_id, message="No such record."
    )


def project_totals(*, project: Project) -> ProjectTotals:
    sums = TimeEntry.objects.filter(
        organisation_id=project.organisation_id, project=project
    ).aggregate(**_entry_totals(""))
    return ProjectTotals(budget_hours=project.budget_hours, **sums)


def time_entry_list(*, project: Project) -> QuerySet[TimeEntry]:
    return (
        TimeEntry.objects.filter(organisation_id=project.organisation_id, project=project)
        .select_related("user", "approval")
        .order_by("date", "created_at")
    )


def time_entries_awaiting_approval(*, project: Project) -> QuerySet[TimeEntry]:
    """Billable time never sent, or sent and rejected, and not invoiced."""
    return time_entry_list(project=project).filter(
        Q(approval__isnull=True) | Q(approval__status=TimesheetApproval.Status.REJECTED),
        billable=True,
        invoice__isnull=True,
    )


def with_approval_totals(queryset: QuerySet[TimesheetApproval]) -> QuerySet[TimesheetApproval]:
    return queryset.annotate(entry_count=Count("entries"), total_hours=_hours("entries__hours"))


def time_entries_invoiceable(*, project: Project) -> QuerySet[TimeEntry]:
    """Billable time the customer approved and that has not been invoiced yet."""
    return time_entry_list(project=project).filter(
        billable=True, approval__status=APPROVED, invoice__isnull=True
    )


# --- portal (organisation, contact) -----------------------------------------------------------


def project_list_for_contact(
    *,
    organisation: Organisation,
    contact: Contact,
    status: str | None = None,
) -> QuerySet[Project]:
    """A customer's projects shown in the portal (every status unless one is given), with totals."""
    projects = Project.objects.filter(
        organisation=organisation, contact=contact, show_in_portal=True
    )
    if status is not None:
        projects = projects.filter(status=status)
    return with_totals(projects).order_by("status", "name")


def project_page_for_portal(*, scope: PortalScope, query: ListQuery) -> Page:
    """One page of the customer's projects shown in the portal (active ones, completed ones or
    all, by name), each with its hours logged (`hours_logged`) and only the columns the list
    shows: one query with the list's total, compiled once per variant."""
    return _PROJECT_PAGE.page(scope=scope, query=query)


PROJECT_STATUSES = {"": Project.Status.ACTIVE, "completed": Project.Status.COMPLETED}
"""The portal list's status filters ("all": none)."""


def _project_list(scope: PortalScope, query: ListQuery) -> QuerySet[Project]:
    projects = Project.objects.filter(
        organisation=scope.organisation, contact=scope.contact, show_in_portal=True
    )
    status = PROJECT_STATUSES.get(query.status)
    if status is not None:
        projects = projects.filter(status=status)
    return projects.order_by("name", "id")


def _logged(scope: PortalScope, rows: QuerySet[Project]) -> QuerySet[Project]:
    logged: Any = TimeEntry.objects.filter(project_id=OuterRef("pk")).order_by()
    logged = logged.values("project_id")
    return rows.only("public_id", "name", "billing_method", "status", "budget_hours").annotate(
        hours_logged=Coalesce(
            Subquery(logged.annotate(h=Sum("hours")).values("h")), Value(ZERO), output_field=HOURS
        )
    )


_PROJECT_PAGE = PreparedList(_project_list, decorate=_logged)


def project_get_for_contact(
    *, organisation: Organisation, contact: Contact, project_id: UUID | str
) -> Project:
    """Raises `django.http.Http404` for a missing, malformed, hidden or foreign id alike."""
    projects = project_list_for_contact(organisation=organisation, contact=contact, status=None)
    return get_for_scope(projects, project_id, message="No such record.")


def _approvals_for_contact(
    *, organisation: Organisation, contact: Contact
) -> QuerySet[TimesheetApproval]:
    return TimesheetApproval.objects.filter(
        organisation=organisation, project__contact=contact, project__show_in_portal=True
    ).select_related("project", "decided_by")


def approval_list_for_contact(
    *,
    organisation: Organisation,
    contact: Contact,
    status: str | None = None,
    project: Project | None = None,
) -> QuerySet[TimesheetApproval]:
    """The approvals sent to a customer, newest first, optionally of one status or project."""
    approvals = _approvals_for_contact(organisation=organisation, contact=contact)
    if status is not None:
        approvals = approvals.filter(status=status)
    if project is not None:
        approvals = approvals.filter(project=project)
    return with_approval_totals(approvals)


def approval_page_for_portal(*, scope: PortalScope, query: ListQuery) -> Page:
    """One page of the approvals sent to the scope's customer (newest first, or oldest first
    for the sort "sent"), with the entry count and hours summed for that page's rows only. One
    query whatever the history, compiled once per variant: the page with the list's total (a
    count, as a subquery), whose join to the entries and GROUP BY run over the page's ids (a
    LIMIT/OFFSET subquery), not over every approval the customer ever had."""
    return _APPROVAL_PAGE.page(scope=scope, query=query)


def _approval_list(scope: PortalScope, query: ListQuery) -> QuerySet[TimesheetApproval]:
    approvals = _approvals_for_contact(organisation=scope.organisation, contact=scope.contact)
    if query.status:
        approvals = approvals.filter(status=query.status)
    return approvals.order_by(*(("sent_at", "id") if query.sort == "sent" else ("-sent_at", "-id")))


class _ApprovalPages(PreparedList):
    def _page(self, scope: PortalScope, query: ListQuery, start: int, stop: int) -> QuerySet[Any]:
        """The page's approvals (their ids a LIMIT/OFFSET subquery), each with its entries
        counted and their hours summed over its own entries (correlated subqueries, run for the
        page's rows only: no GROUP BY over the page's joined entries), and only the columns the
        list shows."""
        sent_in: Any = (  # the page's approval's rows of the many-to-many
            TimesheetApproval.entries.through.objects.filter(timesheetapproval_id=OuterRef("pk"))
            .order_by()
            .values("timesheetapproval_id")
        )
        ordered = self.build(scope, query)
        rows = ordered.filter(pk__in=ordered.values("pk")[start:stop])
        rows = rows.select_related(None).select_related("project")
        return rows.only("public_id", "status", "sent_at", "project__name").annotate(
            entry_count=Coalesce(Subquery(sent_in.annotate(n=Count("pk")).values("n")), 0),
            total_hours=Coalesce(
                Subquery(sent_in.annotate(h=Sum("timeentry__hours")).values("h")),
                Value(ZERO),
                output_field=HOURS,
            ),
        )


_APPROVAL_PAGE = _ApprovalPages(_approval_list)


def approval_get_for_contact(
    *, organisation: Organisation, contact: Contact, approval_id: UUID | str
) -> TimesheetApproval:
    """One approval with its entries (by date) and its hour total: two prepared queries
    (`approval.entries.all()` runs none).

    Raises `django.http.Http404` for a missing id, a malformed id, and another customer's or
    organisation's approval alike, so a portal view or API handler answers 404 for all three.
    """
    found = approval_find_for_contact(
        organisation=organisation, contact=contact, approval_id=approval_id
    )
    approval_entries_read(approval=found).run()
    return found


def approval_find_for_contact(
    *, organisation: Organisation, contact: Contact, approval_id: UUID | str
) -> TimesheetApproval:
    """`approval_get_for_contact` without the entries (`approval_entries_read`): one prepared
    query."""
    key = public_id_or_404(approval_id, message="No such record.")
    found = _APPROVAL.first(organisation_id=organisation.pk, contact_id=contact.pk, public_id=key)
    if found is None:
        raise Http404("No such record.")
    return found


def approval_entries_read(*, approval: TimesheetApproval) -> prepared.Read[list[TimeEntry]]:
    """The entries sent in `approval`, by date, given to `approval.entries.all()` when read."""
    query = _APPROVAL_ENTRIES.bound(
        organisation_id=approval.organisation_id, approval_id=approval.pk
    )

    def attached(rows: list[TimeEntry]) -> list[TimeEntry]:
        prepared.attach(approval, "entries", rows)
        return rows

    return prepared.Read(query, attached)


_APPROVAL: prepared.Prepared[TimesheetApproval] = prepared.Prepared(
    lambda organisation_id, contact_id, public_id: approval_list_for_contact(
        organisation=Organisation(pk=organisation_id), contact=Contact(pk=contact_id)
    ).filter(public_id=public_id),
    organisation_id=-90_301,
    contact_id=-90_302,
    public_id=SAMPLE_PUBLIC_ID,
)
_APPROVAL_ENTRIES: prepared.Prepared[TimeEntry] = prepared.Prepared(
    lambda organisation_id, approval_id: (
        TimeEntry.objects.filter(organisation_id=organisation_id, approvals_sent_in=approval_id)
        .select_related("user")
        .order_by("date", "created_at")
    ),
    organisation_id=-90_303,
    approval_id=-90_304,
)


def approvals_rejected_since(
    *, organisation: Organisation, since: datetime.datetime
) -> QuerySet[TimesheetApproval]:
    """Timesheets a customer rejected since `since`: the business has entries to correct."""
    return TimesheetApproval.objects.filter(
        organisation=organisation,
        status=TimesheetApproval.Status.REJECTED,
        decided_at__gte=since,
    )


def approval_get_for_staff(
    *, organisation: Organisation, approval_id: UUID | str
) -> TimesheetApproval:
    approvals = TimesheetApproval.objects.filter(organisation=organisation).select_related(
        "project"
    )
    return get_for_scope(approvals, approval_id, message="Not found.")
