"""Back office for payment reminders: the organisation's schedule (its stages inline) and the
reminders sent, shown on each invoice. Sending by hand lives on the invoice screen (sales)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from unfold.admin import StackedInline

from portico.backoffice.admin.common import ReadOnlyMixin
from portico.backoffice.scoping import (
    OrganisationScopedAdmin,
    ScopedInlineMixin,
    ScopedTabularInline,
)
from portico.backoffice.sites import site
from portico.backoffice.staff import as_staff
from portico.core.placeholders import PLACEHOLDERS
from portico.payments import reminders
from portico.payments.models import InvoiceReminder, ReminderSchedule, ReminderStage


class ReminderStageInline(ScopedInlineMixin, StackedInline):
    model = ReminderStage
    fields = ["days", "enabled", "subject", "message"]
    extra = 0
    settings_model = True

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        known = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
        for name in ("subject", "message"):
            formset.form.base_fields[name].help_text = _("Placeholders: %(known)s") % {
                "known": known
            }
        return formset


@admin.register(ReminderSchedule, site=site)
class ReminderScheduleAdmin(OrganisationScopedAdmin):
    """One schedule per organisation, made with the default stages the first time it is
    opened (or needed by the job): edited here, never added or deleted."""

    settings_model = True
    list_display = ["__str__", "enabled", "stages_summary"]
    fields = ["enabled"]
    inlines = [ReminderStageInline]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        reminders.schedule_of(as_staff(request).organisation)
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("stages"))
    def stages_summary(self, schedule: ReminderSchedule) -> str:
        stages = ReminderStage.objects.filter(schedule=schedule).order_by("days")
        return format_html_join(
            ", ",
            "{}{}",
            ((stage, "" if stage.enabled else f" ({_('off')})") for stage in stages),
        )


class InvoiceReminderInline(ReadOnlyMixin, ScopedTabularInline):
    """The reminders an invoice was sent, newest first (on the invoice's page)."""

    model = InvoiceReminder
    fields = ["created_at", "stage", "manual", "sent_by", "sent_to", "subject"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("payment reminders sent")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Not on the "add invoice" page: a new invoice has no reminders.
        return obj is not None and super().has_view_permission(request, obj)
