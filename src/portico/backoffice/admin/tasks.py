"""Back office: background work that finally failed — what, why, when, and "retry now".

A member sees the failures of their own organisation; a superuser also sees the work that
belongs to no organisation (reconciliation, webhooks of the sandbox processor)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portico.backoffice.admin.common import ReadOnlyMixin
from portico.backoffice.scoping import MembershipPermissionsMixin, organisation_of
from portico.backoffice.sites import site
from portico.core import jobs
from portico.core.models import FailedTask


@admin.register(FailedTask, site=site)
class FailedTaskAdmin(ReadOnlyMixin, MembershipPermissionsMixin, admin.ModelAdmin):
    list_display = ["task_name", "error_name", "message_head", "attempts", "failed_at", "retried"]
    list_filter = ["task_path"]
    readonly_fields = (
        "task_path",
        "error",
        "message",
        "attempts",
        "failed_at",
        "retried_at",
        "args_kwargs",
        "traceback",
    )
    fields = readonly_fields
    actions = ["retry_now"]
    list_per_page = 25

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The changelist needs it for "retry now"; the form stays read-only. A read-only
        # member looks only, as on every screen.
        return self._may_change(request)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return super().get_actions(request) if self._may_change(request) else {}

    def get_queryset(self, request: HttpRequest) -> QuerySet[FailedTask]:
        queryset = super().get_queryset(request)
        organisation = organisation_of(request)
        mine = Q(organisation_id=organisation.pk) if organisation is not None else Q(pk__in=[])
        if request.user.is_superuser:
            mine |= Q(organisation_id__isnull=True)
        return queryset.filter(mine)

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> Any:
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("No such record.")
        return obj

    @admin.display(description=_("task"))
    def task_name(self, obj: FailedTask) -> str:
        return obj.task_name

    @admin.display(description=_("error"))
    def error_name(self, obj: FailedTask) -> str:
        return obj.error.rsplit(".", 1)[-1]

    @admin.display(description=_("why"))
    def message_head(self, obj: FailedTask) -> str:
        return obj.message[:120]

    @admin.display(boolean=True, description=_("retried"))
    def retried(self, obj: FailedTask) -> bool:
        return obj.retried_at is not None

    @admin.action(description=_("Retry now"))
    def retry_now(self, request: HttpRequest, queryset: QuerySet[FailedTask]) -> None:
        queued = 0
        for failed in queryset:
            try:
                queued += jobs.failed_task_retry(failed=failed)
            except jobs.NotATask:
                messages.error(request, _("%(task)s no longer exists.") % {"task": failed})
        messages.success(
            request,
            ngettext("%(count)d task queued again.", "%(count)d tasks queued again.", queued)
            % {"count": queued},
        )
