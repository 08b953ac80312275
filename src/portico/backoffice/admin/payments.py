"""Back office for payments, customer credit, the ledger and online payment. Money only moves
through the services: a payment is recorded by `payment_record`, credit is refunded by
`credit_refund`, a checkout is reconciled by `checkout_reconcile`, and the ledger is read-only."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.forms import AutocompleteDropdownForm

from portico.backoffice import resources
from portico.backoffice.admin.common import ReadOnlyMixin, run_each
from portico.backoffice.exports import ExportAdminMixin
from portico.backoffice.scoping import OrganisationScopedAdmin, ScopedTabularInline
from portico.backoffice.sites import site
from portico.backoffice.staff import as_staff
from portico.contacts.models import Contact
from portico.core import money
from portico.core.errors import DomainError
from portico.payments import ledger, reconcile, selectors, services
from portico.payments.models import (
    Checkout,
    CheckoutItem,
    CheckoutSettings,
    CustomerCredit,
    Payment,
    PaymentAllocation,
    SavedMethod,
    WebhookEventReceipt,
)
from portico.sales.models import LedgerEntry
from portico.statements import selectors as statements


class ReadOnlyInline(ReadOnlyMixin, ScopedTabularInline):
    extra = 0
    can_delete = False


class AllocationInline(ReadOnlyInline):
    model = PaymentAllocation
    fields = ["invoice", "amount"]
    readonly_fields = fields


class CreditInline(ReadOnlyInline):
    model = CustomerCredit
    fk_name = "payment"
    fields = ["kind", "amount", "remaining", "retainer_invoice"]
    readonly_fields = fields


class CustomerAutocompleteForm(AutocompleteDropdownForm):
    """Unfold's autocomplete filter form, choosing among one organisation's customers (the
    selected customer's name is read through this queryset, never another organisation's)."""

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.queryset = Contact.objects.filter(organisation=organisation)


class CustomerFilter(admin.SimpleListFilter):
    """One customer of the request's organisation, found by typing: Unfold's autocomplete asks
    the (scoped) customer admin's search, so no list of every customer is built per page."""

    title = _("customer")
    parameter_name = "customer"
    template = "unfold/filters/filters_field.html"
    form_class = CustomerAutocompleteForm  # Unfold's admin adds the form's scripts to the page

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        self.request, self.model_admin = request, model_admin
        return []

    def has_output(self) -> bool:
        return True

    def choices(self, changelist: Any) -> Iterator[Any]:
        value = self.value()
        yield {
            "form": self.form_class(
                request=self.request,
                label=_(" By %(filter_title)s ") % {"filter_title": self.title},
                name=self.parameter_name,
                choices=(),
                field=self.model_admin.model._meta.get_field("contact"),
                model_admin=self.model_admin,
                data={self.parameter_name: value if value and value.isdigit() else None},
                organisation=as_staff(self.request).organisation,
            )
        }

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(contact_id=int(value))
        return queryset


class PaymentForm(forms.ModelForm):
    """Refuses what the service would refuse, as field errors instead of a failed save."""

    class Meta:
        model = Payment
        fields = ["contact", "date", "amount", "mode", "reference", "notes"]

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        contact, amount = cleaned.get("contact"), cleaned.get("amount")
        if self.instance.pk is None and contact is not None and amount is not None:
            try:
                money.parse_amount(amount, contact.currency)
            except DomainError as error:
                self.add_error("amount", error.message)
        return cleaned


@admin.register(Payment, site=site)
class PaymentAdmin(ExportAdminMixin, OrganisationScopedAdmin):
    resource_classes = [resources.PaymentResource]
    """Adding records the payment through the service (whatever is not allocated becomes
    credit, applied to invoices with the invoice action); a recorded payment keeps its figures."""

    list_display = ["number", "contact", "date", "amount", "currency", "mode", "source"]
    list_filter = ["mode", "source"]
    list_select_related = ["contact"]
    search_fields = ["number", "reference", "contact__display_name", "gateway_transaction_id"]
    date_hierarchy = "date"
    inlines = [AllocationInline, CreditInline]
    form = PaymentForm
    fields = ["contact", "date", "amount", "mode", "reference", "notes"]
    recorded = ["number", "currency", "source", "gateway", "gateway_transaction_id"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return self.fields if obj is None else [*self.recorded, *self.fields]

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return [] if obj is None else list(self.inlines)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return []
        return [*self.recorded, "contact", "date", "amount", "mode"]

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("date", timezone.localdate())
        return initial

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        try:
            payment = services.payment_record(
                contact=obj.contact,
                amount=obj.amount,
                date=obj.date,
                mode=obj.mode,
                reference=obj.reference,
                notes=obj.notes,
            )
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
            raise
        obj.__dict__.update(payment.__dict__)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CustomerCredit, site=site)
class CustomerCreditAdmin(OrganisationScopedAdmin):
    list_display = ["contact", "kind", "date", "amount", "remaining", "currency", "source_label"]
    list_filter = ["kind", CustomerFilter]
    list_select_related = ["contact", "payment", "credit_note", "retainer_invoice"]
    search_fields = ["contact__display_name"]
    readonly_fields = [
        "contact",
        "kind",
        "date",
        "currency",
        "amount",
        "remaining",
        "payment",
        "retainer_invoice",
        "credit_note",
    ]
    fields = readonly_fields
    actions = ["refund_remaining"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Refund the remaining credit (bank transfer, today)"))
    def refund_remaining(self, request: HttpRequest, queryset: QuerySet[CustomerCredit]) -> None:
        run_each(
            self,
            request,
            queryset.filter(remaining__gt=0),
            lambda c: services.credit_refund(
                credit=c, amount=c.remaining, date=timezone.localdate(), mode="bank_transfer"
            ),
            "Refunded",
        )


@admin.register(LedgerEntry, site=site)
class LedgerEntryAdmin(OrganisationScopedAdmin):
    """The customer ledger, read-only: filter by customer to see their history."""

    list_display = ["date", "contact", "kind", "reference", "receivable", "credit", "amount"]
    list_filter = ["kind", CustomerFilter]
    list_select_related = ["contact"]
    search_fields = ["reference", "contact__display_name"]
    date_hierarchy = "date"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in LedgerEntry._meta.fields if f.name not in ("id", "organisation")]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[Any]:
        account = self.admin_site.admin_view(self.customer_account_view)
        return [
            path("customer/<uuid:contact_id>/", account, name="payments_customer_account"),
            *super().get_urls(),
        ]

    def customer_account_view(self, request: HttpRequest, contact_id: UUID) -> HttpResponse:
        """Balance, credit, aging and the last year's postings of one customer."""
        if not self.has_view_permission(request):
            raise Http404("No such customer.")
        contact = Contact.objects.filter(
            organisation=as_staff(request).organisation, public_id=contact_id
        ).first()
        if contact is None:
            raise Http404("No such customer.")
        today = timezone.localdate()
        context = {
            **self.admin_site.each_context(request),
            "title": contact.display_name,
            "contact": contact,
            "balance": selectors.customer_balance(contact=contact),
            "statement": statements.statement_for(
                contact=contact, start=today - datetime.timedelta(days=365), end=today
            ),
            "ledger_ok": not any(
                m.contact_id == contact.pk for m in ledger.check(organisation=contact.organisation)
            ),
        }
        return TemplateResponse(request, "admin/payments/customer_account.html", context)

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        contact_id = request.GET.get(CustomerFilter.parameter_name)
        if contact_id and contact_id.isdigit():
            contact = Contact.objects.filter(
                organisation=as_staff(request).organisation, pk=int(contact_id)
            ).first()
            if contact is not None:
                url = reverse("admin:payments_customer_account", args=[contact.public_id])
                self.message_user(
                    request,
                    format_html('<a href="{}">{}</a>', url, _("Open the account summary")),
                    messages.INFO,
                )
        return super().changelist_view(request, extra_context)


# Online payment: checkouts with their state and error code (read-only, with the reconcile
# action), saved methods (read-only), webhook receipts and the settings.


class CheckoutItemInline(ReadOnlyMixin, ScopedTabularInline):
    model = CheckoutItem
    extra = 0
    can_delete = False
    fields = ["invoice", "amount"]
    readonly_fields = fields


@admin.register(Checkout, site=site)
class CheckoutAdmin(ReadOnlyMixin, OrganisationScopedAdmin):
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
class SavedMethodAdmin(ReadOnlyMixin, OrganisationScopedAdmin):
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
class WebhookEventReceiptAdmin(ReadOnlyMixin, OrganisationScopedAdmin):
    list_display = ["created_at", "event_id", "event_type", "transaction_id", "gateway_account"]
    search_fields = ["event_id", "transaction_id"]
    readonly_fields = ["gateway_account", "event_id", "event_type", "transaction_id"]
    fields = readonly_fields


@admin.register(CheckoutSettings, site=site)
class CheckoutSettingsAdmin(OrganisationScopedAdmin):
    list_display = ["__str__", "prevent_duplicate_payments", "customers_may_turn_off_autopay"]
    fields = ["prevent_duplicate_payments", "customers_may_turn_off_autopay"]
