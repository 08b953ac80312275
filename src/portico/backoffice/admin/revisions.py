"""An estimate's earlier revisions on its change page, read-only, and the "Revise" action."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from portico.backoffice.admin.common import ReadOnlyMixin, service_action
from portico.backoffice.money_display import format_amount
from portico.backoffice.scoping import ScopedTabularInline
from portico.sales import services
from portico.sales.models import EstimateRevision


class EstimateRevisionInline(ReadOnlyMixin, ScopedTabularInline):
    """What the customer was sent before, with why it was revised."""

    model = EstimateRevision
    extra = 0
    fields = ["revision", "status", "reason", "issue_date", "total", "line_summary", "created_at"]
    readonly_fields = fields
    verbose_name = _("earlier revision")
    verbose_name_plural = _("Earlier revisions")

    @admin.display(description=_("lines"))
    def line_summary(self, revision: EstimateRevision) -> str:
        return format_html_join(
            "",
            "<div>{} × {} = {}</div>",
            (
                (
                    line.get("description") or "—",
                    line.get("quantity"),
                    format_amount(_decimal(line.get("amount")), revision.currency),
                )
                for line in revision.lines
            ),
        )

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Shown, never submitted: left out of POSTs so saving a draft needs no revision formset;
        # and only once there is an earlier revision to show.
        if request.method == "POST" or not super().has_view_permission(request, obj):
            return False
        # Without an estimate Django is asking about the rows (its queryset): they may show.
        return obj is None or EstimateRevision.objects.filter(estimate=obj).exists()


def _decimal(value: Any) -> Any:
    from decimal import Decimal, InvalidOperation

    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


revise = service_action(
    _("Revise (declined or changes asked: new revision, the old one kept)"),
    lambda e: services.estimate_revise(estimate=e),
    _("Back to draft as a new revision; edit it, then send it again"),
)
