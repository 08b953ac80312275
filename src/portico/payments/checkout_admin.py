"""Back office for online payment: checkouts with their state and error code (read-only,
with the reconcile action), saved methods (read-only), webhook receipts and the settings."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from portico.backoffice.scoping import OrganisationScopedAdmin, ScopedTabularInline
from portico.backoffice.sites import site
from portico.payments import reconcile
from portico.payments.models import (
    Checkout,
    CheckoutItem,
    CheckoutSettings,
    SavedMethod,
    WebhookEventReceipt,
)
from portico.sales.admin import run_each


class ReadOnlyAdminMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CheckoutItemInline(ReadOnlyAdminMixin, ScopedTabularInline):
    model = CheckoutItem
    extra = 0
    can_delete = False
    fields = ["invoice", "amount"]
    readonly_fields = fields


@admin.register(Checkout, site=site)
class CheckoutAdmin(ReadOnlyAdminMixin, OrganisationScopedAdmin):
    list_display = [
        "created_at",
        "contact",
        "amount",
        "currency",
        "state",
        "error_code",
        "method_kind",
        "last4",
        "autopay",
        "payment",
    ]
    list_filter = ["state", "error_code", "method_kind", "autopay"]
    list_select_related = ["contact", "payment"]
    search_fields = ["contact__display_name", "gateway_transaction_id", "idempotency_key"]
    date_hierarchy = "created_at"
    inlines = [CheckoutItemInline]
    fields = [
        "contact",
        "person",
        "gateway_account",
        "amount",
        "currency",
        "state",
        "error_code",
        "error_message",
        "method_kind",
        "brand",
        "last4",
        "save_method",
        "saved_method",
        "autopay",
        "gateway_transaction_id",
        "idempotency_key",
        "payment",
        "completed_at",
    ]
    readonly_fields = fields
    actions = ["reconcile"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Read-only rows, but the change list must allow the reconcile action.
        return obj is None

    @admin.action(description=_("Reconcile with the gateway"))
    def reconcile(self, request: HttpRequest, queryset: QuerySet[Checkout]) -> None:
        run_each(
            self,
            request,
            queryset.select_related("gateway_account"),
            lambda row: reconcile.checkout_reconcile(checkout=row),
            str(_("Reconciled")),
        )


@admin.register(SavedMethod, site=site)
class SavedMethodAdmin(ReadOnlyAdminMixin, OrganisationScopedAdmin):
    list_display = ["contact", "kind", "brand", "last4", "exp_month", "exp_year", "is_default"]
    list_filter = ["kind", "is_default"]
    list_select_related = ["contact"]
    search_fields = ["contact__display_name", "last4"]
    readonly_fields = [
        "contact",
        "gateway_account",
        "kind",
        "brand",
        "last4",
        "exp_month",
        "exp_year",
        "billing_name",
        "billing_postal_code",
        "billing_country",
        "is_default",
    ]
    fields = readonly_fields


@admin.register(WebhookEventReceipt, site=site)
class WebhookEventReceiptAdmin(ReadOnlyAdminMixin, OrganisationScopedAdmin):
    list_display = ["created_at", "event_id", "event_type", "transaction_id", "gateway_account"]
    search_fields = ["event_id", "transaction_id"]
    readonly_fields = ["gateway_account", "event_id", "event_type", "transaction_id"]
    fields = readonly_fields


@admin.register(CheckoutSettings, site=site)
class CheckoutSettingsAdmin(OrganisationScopedAdmin):
    list_display = ["__str__", "prevent_duplicate_payments", "customers_may_turn_off_autopay"]
    fields = ["prevent_duplicate_payments", "customers_may_turn_off_autopay"]
