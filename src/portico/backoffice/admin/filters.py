"""List filters the dashboard's figures link to: each filters by the same rule the figure sums,
so a number on the dashboard and the list behind it always agree."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portico.activity import selectors as activity
from portico.backoffice.scoping import organisation_of
from portico.sales import selectors as sales

RECEIVABLE_LABELS = {
    "outstanding": _("Outstanding"),
    "overdue": _("Overdue"),
    "due_soon": _("Due in the next 30 days"),
    "current": _("Not yet due"),
    "1-30": _("1–30 days overdue"),
    "31-60": _("31–60 days overdue"),
    "61-90": _("61–90 days overdue"),
    "90+": _("Over 90 days overdue"),
}


class ReceivablesFilter(admin.SimpleListFilter):
    """Open invoices with a balance, by how late they are (today in the organisation's zone)."""

    title = _("receivables")
    parameter_name = "receivables"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return list(RECEIVABLE_LABELS.items())

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        conditions = sales.receivable_conditions(timezone.localdate())
        value = self.value()
        if value not in conditions:
            return queryset
        return sales.receivables_open(queryset).filter(conditions[value])


class UnansweredChangeRequestFilter(admin.SimpleListFilter):
    """Change requests on open estimates that no staff comment has answered yet."""

    title = _("waiting for an answer")
    parameter_name = "waiting"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("changes", _("Change requests to answer"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() != "changes":
            return queryset
        waiting = activity.change_requests_unanswered(organisation=organisation_of(request))
        return queryset.filter(pk__in=waiting.values("pk"))
