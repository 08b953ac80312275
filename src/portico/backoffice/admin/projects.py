from __future__ import annotations

from collections import defaultdict
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portico.accounts.models import User
from portico.backoffice import resources
from portico.backoffice.admin.common import ReadOnlyMixin
from portico.backoffice.admin.threads import CommentThreadMixin
from portico.backoffice.exports import ExportAdminMixin
from portico.backoffice.scoping import (
    OrganisationScopedAdmin,
    ScopedInlineMixin,
    ScopedTabularInline,
    organisation_of,
)
from portico.backoffice.sites import site
from portico.contacts.models import Contact
from portico.core.errors import DomainError
from portico.projects import selectors, services
from portico.projects.models import Project, TimeEntry, TimesheetApproval
from portico.sales.models import Attachment


def _validation_error(error: DomainError) -> ValidationError:
    return ValidationError(error.message, code=error.code)


class StaffChoicesMixin:
    """Users have no organisation of their own: offer the organisation's members only."""

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        if db_field.name == "user":
            kwargs["queryset"] = User.objects.filter(
                memberships__organisation=organisation_of(request)
            ).order_by("full_name", "email")
        elif db_field.name == "contact":
            kwargs["queryset"] = Contact.objects.live().filter(
                organisation=organisation_of(request)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class TimeEntryForm(forms.ModelForm):
    """Time the customer is looking at, has approved, or was billed for cannot change."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            if self.instance.pk is not None:
                if self.has_changed():
                    services.time_entry_ensure_editable(entry=self.instance)
            else:
                project = cleaned.get("project")
                if project is not None:
                    services.project_ensure_accepts_time(project=project)
        except DomainError as error:
            raise _validation_error(error) from error
        return cleaned


class TimeEntryInlineFormSet(ScopedInlineMixin.formset):  # type: ignore[misc,valid-type]
    def clean(self) -> None:
        super().clean()
        for form in self.deleted_forms:
            if form.instance.pk is None:
                continue
            try:
                services.time_entry_ensure_editable(entry=form.instance)
            except DomainError as error:
                raise _validation_error(error) from error


class TimeEntryInline(StaffChoicesMixin, ScopedTabularInline):
    model = TimeEntry
    form = TimeEntryForm
    formset = TimeEntryInlineFormSet
    extra = 0
    fields = ["date", "task", "hours", "billable", "user", "notes", "approval_status", "invoiced"]
    readonly_fields = ["approval_status", "invoiced"]
    ordering = ["-date"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[TimeEntry]:
        return super().get_queryset(request).select_related("approval", "user")

    @admin.display(description=_("approval"))
    def approval_status(self, entry: TimeEntry) -> str:
        return entry.approval.get_status_display() if entry.approval else "—"

    @admin.display(description=_("invoiced"), boolean=True)
    def invoiced(self, entry: TimeEntry) -> bool:
        return entry.is_invoiced


class ProjectForm(forms.ModelForm):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        contact = cleaned.get("contact")
        if contact is not None:
            try:
                services.project_ensure_contact_change_allowed(
                    project=self.instance, contact=contact
                )
            except DomainError as error:
                raise ValidationError({"contact": error.message}, code=error.code) from error
        return cleaned


def _report(
    model_admin: admin.ModelAdmin, request: HttpRequest, done: int, failures: list[str]
) -> None:
    if done:
        model_admin.message_user(
            request,
            ngettext("%d timesheet sent for approval.", "%d timesheets sent for approval.", done)
            % done,
        )
    for failure in failures:
        model_admin.message_user(request, failure, messages.ERROR)


def _send_for_approval(
    grouped: dict[Project, list[TimeEntry]],
) -> tuple[int, list[str]]:
    done, failures = 0, []
    for project, entries in grouped.items():
        try:
            services.timesheet_send_for_approval(project=project, entries=entries)
        except DomainError as error:
            failures.append(f"{project}: {error.message}")
        else:
            done += 1
    return done, failures


@admin.register(Project, site=site)
class ProjectAdmin(StaffChoicesMixin, OrganisationScopedAdmin):
    form = ProjectForm
    list_display = [
        "name",
        "contact",
        "billing_method",
        "rate",
        "status",
        "hours_logged",
        "budget_hours",
        "budget_used",
        "show_in_portal",
    ]
    list_filter = ["status", "billing_method", "show_in_portal"]
    search_fields = ["name", "description", "contact__display_name"]
    list_select_related = ["contact"]
    readonly_fields = ["status", "totals"]
    fieldsets = [
        (None, {"fields": ["contact", "name", "description", "status", "show_in_portal"]}),
        (_("Billing"), {"fields": ["billing_method", "rate", "budget_hours", "totals"]}),
    ]
    inlines = [TimeEntryInline]
    actions = ["send_time_for_approval", "invoice_approved_time", "complete", "cancel", "reopen"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Project]:
        return selectors.with_totals(super().get_queryset(request))

    @admin.display(description=_("hours logged"), ordering="hours_logged")
    def hours_logged(self, project: Project) -> Any:
        return project.hours_logged  # type: ignore[attr-defined]

    @admin.display(description=_("budget used"))
    def budget_used(self, project: Project) -> str:
        percent = selectors.ProjectTotals.of(project).budget_used_percent
        return "—" if percent is None else f"{percent} %"

    @admin.display(description=_("hours"))
    def totals(self, project: Project) -> str:
        if project.pk is None:
            return "—"
        totals = selectors.project_totals(project=project)
        return str(
            _(
                "%(logged)s logged · %(billable)s billable · %(pending)s awaiting approval · "
                "%(approved)s approved · %(invoiced)s invoiced"
            )
            % {
                "logged": totals.hours_logged,
                "billable": totals.billable_hours,
                "pending": totals.pending_hours,
                "approved": totals.approved_hours,
                "invoiced": totals.invoiced_hours,
            }
        )

    def _change_status(
        self, request: HttpRequest, queryset: QuerySet[Project], service: Any
    ) -> None:
        changed = 0
        for project in queryset:
            try:
                service(project=project)
            except DomainError as error:
                self.message_user(request, f"{project}: {error.message}", messages.ERROR)
            else:
                changed += 1
        if changed:
            self.message_user(
                request, ngettext("%d project updated.", "%d projects updated.", changed) % changed
            )

    @admin.action(description=_("Mark the selected projects as completed"))
    def complete(self, request: HttpRequest, queryset: QuerySet[Project]) -> None:
        self._change_status(request, queryset, services.project_complete)

    @admin.action(description=_("Cancel the selected projects"))
    def cancel(self, request: HttpRequest, queryset: QuerySet[Project]) -> None:
        self._change_status(request, queryset, services.project_cancel)

    @admin.action(description=_("Reopen the selected projects"))
    def reopen(self, request: HttpRequest, queryset: QuerySet[Project]) -> None:
        self._change_status(request, queryset, services.project_reopen)

    @admin.action(description=_("Invoice approved time (one draft invoice per project)"))
    def invoice_approved_time(self, request: HttpRequest, queryset: QuerySet[Project]) -> None:
        for project in queryset.select_related("contact"):
            try:
                invoice = services.time_entries_invoice(
                    project=project, issue_date=timezone.localdate()
                )
            except DomainError as error:
                self.message_user(request, f"{project}: {error.message}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(project)s: draft invoice %(number)s created.")
                    % {"project": project, "number": invoice.number},
                )

    @admin.action(description=_("Send unapproved billable time for approval"))
    def send_time_for_approval(self, request: HttpRequest, queryset: QuerySet[Project]) -> None:
        grouped = {
            project: list(selectors.time_entries_awaiting_approval(project=project))
            for project in queryset
        }
        empty = [str(project) for project, entries in grouped.items() if not entries]
        done, failures = _send_for_approval(
            {project: entries for project, entries in grouped.items() if entries}
        )
        failures += [f"{name}: {_('no billable time to send.')}" for name in empty]
        _report(self, request, done, failures)


class ApprovalStatusFilter(admin.SimpleListFilter):
    title = _("approval")
    parameter_name = "approval"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("none", _("Not sent")), *TimesheetApproval.Status.choices]

    def queryset(self, request: HttpRequest, queryset: QuerySet[TimeEntry]) -> QuerySet[TimeEntry]:
        if self.value() == "none":
            return queryset.filter(approval__isnull=True)
        if self.value() in TimesheetApproval.Status.values:
            return queryset.filter(approval__status=self.value())
        return queryset


class InvoicedFilter(admin.SimpleListFilter):
    title = _("invoiced")
    parameter_name = "invoiced"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Invoiced")), ("no", _("Not invoiced"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[TimeEntry]) -> QuerySet[TimeEntry]:
        if self.value() in ("yes", "no"):
            return queryset.filter(invoice__isnull=self.value() == "no")
        return queryset


@admin.register(TimeEntry, site=site)
class TimeEntryAdmin(ExportAdminMixin, StaffChoicesMixin, OrganisationScopedAdmin):
    resource_classes = [resources.TimeEntryResource]
    form = TimeEntryForm
    list_display = [
        "date",
        "project",
        "task",
        "hours",
        "billable",
        "user",
        "approval_status",
        "invoice",
    ]
    list_filter = [
        "billable",
        ApprovalStatusFilter,
        InvoicedFilter,
        "project__status",
        ("date", admin.DateFieldListFilter),
    ]
    search_fields = ["task", "notes", "project__name", "project__contact__display_name"]
    list_select_related = ["project", "user", "approval", "invoice"]
    date_hierarchy = "date"
    fields = [
        "project",
        "date",
        "task",
        "hours",
        "billable",
        "user",
        "notes",
        "approval",
        "invoice",
        "invoiced_at",
    ]
    readonly_fields = ["approval", "invoice", "invoiced_at"]
    actions = ["send_for_approval"]

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        if db_field.name == "project":
            kwargs["queryset"] = Project.objects.filter(
                organisation=organisation_of(request), status=Project.Status.ACTIVE
            ).select_related("contact")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("user", request.user.pk)
        return initial

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            readonly.append("project")  # time moves between projects by deleting and re-logging
        return readonly

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # each deletion is checked by the service
        return actions

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None:
            try:
                services.time_entry_ensure_editable(entry=obj)
            except DomainError:
                return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request: HttpRequest, obj: TimeEntry) -> None:
        services.time_entry_delete(entry=obj)

    @admin.display(description=_("approval"), ordering="approval__status")
    def approval_status(self, entry: TimeEntry) -> str:
        return entry.approval.get_status_display() if entry.approval else "—"

    @admin.action(description=_("Send the selected time for approval (one timesheet per project)"))
    def send_for_approval(self, request: HttpRequest, queryset: QuerySet[TimeEntry]) -> None:
        grouped: dict[Project, list[TimeEntry]] = defaultdict(list)
        for entry in queryset.select_related("project"):
            grouped[entry.project].append(entry)
        done, failures = _send_for_approval(grouped)
        _report(self, request, done, failures)


class ApprovalAttachmentInline(ReadOnlyMixin, ScopedTabularInline):
    """Files the customer posted on the approval (with their comments); read-only here."""

    model = Attachment
    fk_name = "approval"
    fields = ["download", "comment_text", "show_in_portal", "created_at"]
    readonly_fields = fields
    extra = 0
    verbose_name = _("file")
    verbose_name_plural = _("files from the customer")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Attachment]:
        return super().get_queryset(request).select_related("comment").order_by("created_at")

    @admin.display(description=_("file"))
    def download(self, attachment: Attachment) -> str:
        url = reverse("backoffice_documents:file", kwargs={"attachment_id": attachment.public_id})
        return format_html(
            '<a class="text-primary-600 underline" href="{}">{}</a>',
            url,
            attachment.name or _("Download"),
        )

    @admin.display(description=_("posted with the comment"))
    def comment_text(self, attachment: Attachment) -> str:
        return attachment.comment.body[:200] if attachment.comment is not None else "—"


@admin.register(TimesheetApproval, site=site)
class TimesheetApprovalAdmin(CommentThreadMixin, ReadOnlyMixin, OrganisationScopedAdmin):
    """Approvals are made by the "send for approval" actions and decided by the customer."""

    list_display = [
        "project",
        "customer",
        "status",
        "sent_at",
        "entry_count",
        "total_hours",
        "decided_by",
        "decided_at",
    ]
    list_filter = ["status", ("sent_at", admin.DateFieldListFilter)]
    search_fields = ["project__name", "project__contact__display_name", "reason"]
    list_select_related = ["project__contact", "decided_by"]
    fields = [
        "project",
        "status",
        "sent_at",
        "decided_by",
        "decided_at",
        "reason",
        "first_viewed_at",
        "entry_table",
    ]
    readonly_fields = fields
    inlines = [ApprovalAttachmentInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[TimesheetApproval]:
        return selectors.with_approval_totals(super().get_queryset(request))

    @admin.display(description=_("customer"), ordering="project__contact__display_name")
    def customer(self, approval: TimesheetApproval) -> Contact:
        return approval.project.contact

    @admin.display(description=_("entries"), ordering="entry_count")
    def entry_count(self, approval: TimesheetApproval) -> int:
        return approval.entry_count  # type: ignore[attr-defined]

    @admin.display(description=_("hours"), ordering="total_hours")
    def total_hours(self, approval: TimesheetApproval) -> Any:
        return approval.total_hours  # type: ignore[attr-defined]

    @admin.display(description=_("time entries"))
    def entry_table(self, approval: TimesheetApproval) -> str:
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (entry.date, entry.task, entry.hours, entry.user or "—", entry.notes)
                for entry in approval.entries.select_related("user").order_by("date")
            ),
        )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>"
            "</thead><tbody>{}</tbody></table>",
            _("Date"),
            _("Task"),
            _("Hours"),
            _("Staff"),
            _("Notes"),
            rows,
        )
