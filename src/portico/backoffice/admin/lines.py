"""Editing a draft's lines: the item catalogue for autofill and the live totals box."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portico.orgs.models import Item

LIVE_TOTALS = "live_totals"
STORED = frozenset({"subtotal", "tax_total", "total", "balance_due"})


def item_catalogue(organisation_id: int) -> dict[str, dict[str, Any]]:
    """What choosing each active item puts on a line: description, rate and tax."""
    rows = Item.objects.filter(organisation_id=organisation_id, is_active=True).values(
        "pk", "name", "description", "rate", "tax_id"
    )
    return {
        str(row["pk"]): {
            "description": (row["description"] or row["name"])[:500],
            "rate": str(row["rate"].normalize() if row["rate"] % 1 else row["rate"].quantize(1)),
            "tax": row["tax_id"],
        }
        for row in rows
    }


class LiveTotalsMixin:
    """A draft's change page gets a totals box that follows the lines as they are typed."""

    def _editable(self, obj: Any) -> bool:
        return obj is None or bool(obj.lines_editable)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        names = list(super().get_readonly_fields(request, obj))  # type: ignore[misc]
        return [*names, LIVE_TOTALS] if self._editable(obj) else names

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = list(super().get_fieldsets(request, obj))  # type: ignore[misc]
        if not self._editable(obj):
            return fieldsets
        # While lines are typed, the live box is the one place the totals show.
        fieldsets = [
            (title, {**options, "fields": [f for f in options["fields"] if f not in STORED]})
            for title, options in fieldsets
        ]
        fieldsets.append((_("Totals as you type"), {"fields": [LIVE_TOTALS]}))
        return fieldsets

    @admin.display(description=_("Totals"))
    def live_totals(self, obj: Any) -> str:
        # The form's instance carries the organisation from the start (`scoped_form`).
        return render_to_string(
            "backoffice/lines/live_totals.html",
            {
                "url": reverse("backoffice_documents:line_totals"),
                "items": item_catalogue(obj.organisation_id),
            },
        )
