"""Back-office screens for what customers do in the portal: reviews, messages, the review queue.

Imported by `contacts/admin.py` (Django's admin autodiscovery only imports `admin.py`).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portico.backoffice.scoping import OrganisationScopedAdmin, ScopedTabularInline, organisation_of
from portico.backoffice.sites import site
from portico.contacts import self_service_services as services
from portico.contacts.self_service_models import (
    CustomerMessage,
    DetailsChangeItem,
    Review,
    SelfServiceSettings,
)


class ReadOnlyAdminMixin:
    """Customers write these rows from the portal; staff read them (and decide, via actions)."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReviewInline(ReadOnlyAdminMixin, ScopedTabularInline):
    """ "Client reviews" on the customer's page."""

    model = Review
    extra = 0
    fields = ["person", "stars", "text", "updated_at"]
    readonly_fields = ["person", "stars", "text", "updated_at"]
    verbose_name = _("client review")
    verbose_name_plural = _("Client reviews")

    @admin.display(description=_("rating"))
    def stars(self, review: Review) -> str:
        return review.stars

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Shown, never submitted: left out of POSTs so saving a customer needs no review formset.
        return request.method != "POST" and super().has_view_permission(request, obj)


@admin.register(Review, site=site)
class ReviewAdmin(ReadOnlyAdminMixin, OrganisationScopedAdmin):
    list_display = ["contact", "person", "stars", "text_start", "updated_at"]
    list_filter = ["rating"]
    search_fields = ["text", "contact__display_name", "person__first_name", "person__last_name"]
    list_select_related = ["contact", "person"]
    fields = ["contact", "person", "rating", "text", "created_at", "updated_at"]
    readonly_fields = fields

    @admin.display(description=_("rating"), ordering="rating")
    def stars(self, review: Review) -> str:
        return review.stars

    @admin.display(description=_("review"))
    def text_start(self, review: Review) -> str:
        return review.text[:80]


@admin.register(CustomerMessage, site=site)
class CustomerMessageAdmin(ReadOnlyAdminMixin, OrganisationScopedAdmin):
    list_display = ["subject", "contact", "person", "reply_to", "created_at"]
    search_fields = ["subject", "body", "contact__display_name", "reply_to"]
    list_select_related = ["contact", "person"]
    date_hierarchy = "created_at"
    fields = ["contact", "person", "reply_to", "subject", "body", "created_at"]
    readonly_fields = fields


@admin.register(DetailsChangeItem, site=site)
class DetailsChangeItemAdmin(OrganisationScopedAdmin):
    """The review queue: one row per changed field, approved or rejected one by one."""

    list_display = [
        "contact",
        "field_name",
        "old_value",
        "new_value",
        "status",
        "person",
        "created_at",
    ]
    list_filter = ["status"]
    search_fields = ["contact__display_name", "old_value", "new_value"]
    list_select_related = ["contact", "person"]
    fields = [
        "contact",
        "person",
        "field_name",
        "old_value",
        "new_value",
        "status",
        "created_at",
        "decided_by",
        "decided_at",
    ]
    readonly_fields = fields
    actions = ["approve", "reject"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("field"), ordering="field")
    def field_name(self, item: DetailsChangeItem) -> str:
        return item.field_label

    @admin.action(
        description=_("Approve the selected changes (apply them to the customer)"),
        permissions=["change"],
    )
    def approve(self, request: HttpRequest, queryset: QuerySet[DetailsChangeItem]) -> None:
        count = services.details_change_approve(
            organisation=organisation_of(request),
            user=request.user,  # type: ignore[arg-type]
            item_ids=list(queryset.values_list("pk", flat=True)),
        )
        self.message_user(
            request, ngettext("%d change approved.", "%d changes approved.", count) % count
        )

    @admin.action(description=_("Reject the selected changes"), permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet[DetailsChangeItem]) -> None:
        count = services.details_change_reject(
            organisation=organisation_of(request),
            user=request.user,  # type: ignore[arg-type]
            item_ids=list(queryset.values_list("pk", flat=True)),
        )
        self.message_user(
            request, ngettext("%d change rejected.", "%d changes rejected.", count) % count
        )


@admin.register(SelfServiceSettings, site=site)
class SelfServiceSettingsAdmin(OrganisationScopedAdmin):
    list_display = ["__str__", "details_changes_need_review"]
    fields = ["details_changes_need_review"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        exists = self.get_queryset(request).exists()
        return not exists and super().has_add_permission(request, *args)
