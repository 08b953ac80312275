"""Projects and timesheet approvals (when the business shows them).

Reads go through the projects app's portal selectors, which filter by organisation and
customer first; approving and rejecting go through the activity app's portal actions.
"""

from __future__ import annotations

import functools
from html import escape
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.defaultfilters import floatformat
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from portico.activity import portal_actions
from portico.activity import selectors as activity_selectors
from portico.activity import services as activity_services
from portico.contacts.scope import Module, PortalScope
from portico.core import formats
from portico.core.errors import DomainError
from portico.core.prepared import Read, read_together
from portico.core.tenancy import get_for_scope
from portico.portal.pages import badges, common, documents
from portico.portal.pages.forms import CommentForm, RejectForm
from portico.portal.scoping import portal_view
from portico.projects import selectors as project_selectors
from portico.projects.models import Project, TimesheetApproval

RECENT_ENTRIES = 20
PROJECT_FILTERS = (
    common.Choice("", gettext_lazy("Active")),
    common.Choice("completed", gettext_lazy("Completed")),
    common.Choice("all", gettext_lazy("All")),
)
APPROVAL_FILTERS = (
    common.Choice("", gettext_lazy("All")),
    common.Choice("pending", gettext_lazy("Awaiting approval")),
    common.Choice("approved", gettext_lazy("Approved")),
    common.Choice("rejected", gettext_lazy("Rejected")),
)
APPROVAL_SORTS = (
    common.Choice("-sent", gettext_lazy("Newest first")),
    common.Choice("sent", gettext_lazy("Oldest first")),
)
PROJECT_SORTS = (common.Choice("name", gettext_lazy("Name")),)


def _projects(scope: PortalScope) -> Any:
    return project_selectors.project_list_for_contact(
        organisation=scope.organisation, contact=scope.contact
    )


@portal_view(module=Module.PROJECTS)
@require_GET
def project_list(request: HttpRequest, scope: PortalScope) -> HttpResponse:
    query = common.list_query(
        request,
        statuses=[c.value for c in PROJECT_FILTERS],
        sorts=[c.value for c in PROJECT_SORTS],
    )
    page = project_selectors.project_page_for_portal(scope=scope, query=query)
    page.object_list = common.with_urls(scope, page, "project_detail", "project_id")
    rows = _project_rows(page.object_list)
    return common.render_list(
        request,
        title=gettext_lazy("Projects"),
        partial="portal/pages/projects/_list.html",
        target="project-list",
        context=common.page_context(
            scope, page=page, rows=rows, query=query, filters=PROJECT_FILTERS, sorts=PROJECT_SORTS
        ),
    )


def _project_rows(projects: list[Any]) -> SafeString:
    """The project list's rows as HTML, built in Python (methods and statuses formatted once
    per page)."""
    methods = dict(Project.BillingMethod.choices)
    method = functools.cache(lambda value: escape(str(methods.get(value, value))))
    status = badges.status_badges(Project.Status.choices)
    rows = []
    for project in projects:
        budget = project.budget_hours
        of_budget = (
            f' <span class="text-body-secondary">/ {floatformat(budget, "-2")}</span>'
            if budget
            else ""
        )
        rows.append(
            "\n    <tr>\n"
            f'      <td><a class="fw-semibold" hx-boost="false" '
            f'href="{escape(project.portal_url)}">{escape(project.name)}</a></td>\n'
            f'      <td class="d-none d-sm-table-cell">{method(project.billing_method)}</td>\n'
            f"      <td>{status(project.status)}</td>\n"
            f'      <td class="text-end">{floatformat(project.hours_logged, 2)}{of_budget}</td>\n'
            "    </tr>\n  "
        )
    return mark_safe("".join(rows))  # every value above escaped or formatted (no markup)


@portal_view(module=Module.PROJECTS)
@require_GET
def project_detail(request: HttpRequest, scope: PortalScope, project_id: UUID) -> HttpResponse:
    project = get_for_scope(_projects(scope), project_id)
    entries = project_selectors.time_entry_list(project=project).order_by("-date", "-created_at")
    context = common.page_context(
        scope,
        project=project,
        totals=project_selectors.ProjectTotals.of(project),
        entries=list(entries[:RECENT_ENTRIES]),
        approvals=list(
            project_selectors.approval_list_for_contact(
                organisation=scope.organisation, contact=scope.contact
            ).filter(project=project)[:10]
        ),
    )
    return render(request, "portal/pages/projects/detail.html", context)


@portal_view(module=Module.TIMESHEETS)
@require_GET
def timesheet_list(request: HttpRequest, scope: PortalScope) -> HttpResponse:
    query = common.list_query(
        request,
        statuses=[c.value for c in APPROVAL_FILTERS],
        sorts=[c.value for c in APPROVAL_SORTS],
    )
    page = project_selectors.approval_page_for_portal(scope=scope, query=query)
    page.object_list = common.with_urls(scope, page, "timesheet_detail", "approval_id")
    return common.render_list(
        request,
        title=gettext_lazy("Timesheets"),
        partial="portal/pages/timesheets/_list.html",
        target="timesheet-list",
        context=common.page_context(
            scope,
            page=page,
            rows=_approval_rows(page.object_list),
            query=query,
            filters=APPROVAL_FILTERS,
            sorts=APPROVAL_SORTS,
        ),
    )


def _approval_rows(approvals: list[Any]) -> SafeString:
    """The timesheet list's rows as HTML, built in Python with each cell formatted once
    (statuses, entry counts and hours repeat: each is formatted once per page)."""
    status = badges.status_badges(TimesheetApproval.Status.choices)
    entries = functools.cache(
        lambda n: escape(ngettext("%(entries)s entry", "%(entries)s entries", n) % {"entries": n})
    )
    hours = functools.cache(lambda value: floatformat(value, 2))
    rows = []
    for approval in approvals:
        rows.append(
            "\n    <tr>\n"
            f'      <td><a class="fw-semibold" hx-boost="false" '
            f'href="{escape(approval.portal_url)}">{escape(approval.project.name)}</a>'
            f'<div class="small text-body-secondary">{entries(approval.entry_count)}</div></td>\n'
            f'      <td class="d-none d-sm-table-cell">'
            f"{formats.format_date(approval.sent_at)}</td>\n"
            f"      <td>{status(approval.status)}</td>\n"
            f'      <td class="text-end">{hours(approval.total_hours)}</td>\n'
            "    </tr>\n  "
        )
    return mark_safe("".join(rows))  # every value above escaped or formatted (no markup)


def _entry_rows(entries: list[Any]) -> SafeString:
    """A timesheet's time entries as table rows, built in Python with each cell formatted once
    (a month's entries repeat their dates and hours: each is formatted once per page)."""
    day = functools.cache(formats.format_date)
    hours = functools.cache(lambda value: floatformat(value, 2))
    rows = []
    for entry in entries:
        by = entry.user.full_name if entry.user is not None else ""
        rows.append(
            f'<tr><td class="text-nowrap">{day(entry.date)}</td>'
            f'<td class="text-break">{escape(entry.task)}</td>'
            f'<td class="d-none d-sm-table-cell">{escape(by) or "—"}</td>'
            f'<td class="text-end">{hours(entry.hours)}</td></tr>'
        )
    return mark_safe("".join(rows))  # every value above escaped or formatted (no markup)


def _approval(scope: PortalScope, approval_id: UUID) -> TimesheetApproval:
    """The approval, without its entries (the page reads them with its other queries)."""
    return project_selectors.approval_find_for_contact(
        organisation=scope.organisation, contact=scope.contact, approval_id=approval_id
    )


def _timesheet_page(
    request: HttpRequest,
    scope: PortalScope,
    approval: TimesheetApproval,
    reject_form: RejectForm | None = None,
    status: int = 200,
    viewed: bool = False,
) -> HttpResponse:
    """The page of `approval`: its entries, comments and (`viewed`: the person is viewing it)
    whether its first view was already notified, in one round trip."""
    reads: list[Read[Any]] = [
        project_selectors.approval_entries_read(approval=approval),
        activity_selectors.comments_read(scope=scope, target=approval),
    ]
    if viewed:
        reads.append(activity_services.approval_seen_read(scope=scope, approval=approval))
    entries, comments, *seen = read_together(*reads)
    if viewed:
        activity_services.document_mark_viewed(
            scope=scope, document=approval, origin=common.origin_of(request), seen=seen[0]
        )
    rate = approval.project.rate if approval.project.is_hourly else None
    context = common.page_context(
        scope,
        approval=approval,
        entry_rows=_entry_rows(entries),
        amount=(approval.total_hours * rate) if rate is not None else None,  # type: ignore[attr-defined]
        reject_form=reject_form or RejectForm(),
        comments=comments,
        comment_form=CommentForm(),
        comment_url=documents.comment_url(scope, approval),
    )
    return render(request, "portal/pages/timesheets/detail.html", context, status=status)


@portal_view(module=Module.TIMESHEETS)
@require_GET
def timesheet_detail(request: HttpRequest, scope: PortalScope, approval_id: UUID) -> HttpResponse:
    return _timesheet_page(request, scope, _approval(scope, approval_id), viewed=True)


@portal_view(module=Module.TIMESHEETS)
@require_POST
def timesheet_approve(request: HttpRequest, scope: PortalScope, approval_id: UUID) -> HttpResponse:
    approval = _approval(scope, approval_id)
    back = documents.detail_url(scope, approval)
    try:
        portal_actions.timesheet_approve_from_portal(
            scope=scope, approval=approval, origin=common.origin_of(request)
        )
    except DomainError as error:
        return common.refuse(request, error, back)
    messages.success(request, _("You approved this timesheet."))
    return HttpResponseRedirect(back)


@portal_view(module=Module.TIMESHEETS)
@require_POST
def timesheet_reject(request: HttpRequest, scope: PortalScope, approval_id: UUID) -> HttpResponse:
    approval = _approval(scope, approval_id)
    back = documents.detail_url(scope, approval)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            portal_actions.timesheet_reject_from_portal(
                scope=scope,
                approval=approval,
                reason=form.cleaned_data["reason"],
                origin=common.origin_of(request),
            )
        except DomainError as error:
            if not common.apply_error(form, error):
                return common.refuse(request, error, back)
        else:
            messages.success(request, _("You rejected this timesheet. The business was told why."))
            return HttpResponseRedirect(back)
    return _timesheet_page(request, scope, approval, reject_form=form, status=400)
