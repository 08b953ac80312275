"""Back office for sales documents: scoped, with inline lines; state changes are actions that
call the services."""

from __future__ import annotations

import datetime
import hashlib
import time
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from unfold.widgets import UnfoldAdminCheckboxSelectMultipleWidget

from portico.backoffice import resources
from portico.backoffice.admin import filters
from portico.backoffice.admin.common import run_each, service_action
from portico.backoffice.admin.lines import LiveTotalsMixin
from portico.backoffice.admin.reminders import InvoiceReminderInline
from portico.backoffice.admin.revisions import EstimateRevisionInline, revise
from portico.backoffice.admin.threads import CommentThreadMixin
from portico.backoffice.exports import ExportAdminMixin
from portico.backoffice.scoping import OrganisationScopedAdmin, ScopedTabularInline
from portico.backoffice.sites import site
from portico.backoffice.staff import as_staff
from portico.core import uploads
from portico.core.errors import DomainError
from portico.documents import sending
from portico.payments import autopay, credit_notes, gateway_choice, reminders
from portico.payments import services as payments
from portico.sales import services
from portico.sales.models import (
    Attachment,
    CreditNote,
    CreditNoteLine,
    Estimate,
    EstimateLine,
    Invoice,
    InvoiceLine,
    RecurringProfile,
    RecurringProfileLine,
    SalesOrder,
    SalesOrderLine,
)

LINE_FIELDS = ["item", "description", "quantity", "rate", "discount_percent", "tax", "amount"]


class DraftOnlyInlineMixin:
    """Lines change only while their document is a draft."""

    def _draft(self, obj: Any) -> bool:
        return obj is None or bool(obj.lines_editable)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._draft(obj) and super().has_add_permission(request, obj)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._draft(obj) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._draft(obj) and super().has_delete_permission(request, obj)  # type: ignore[misc]


class LineInline(DraftOnlyInlineMixin, ScopedTabularInline):
    fields = LINE_FIELDS
    readonly_fields = ["amount"]
    extra = 1

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # While lines are typed, the live totals box shows each line's amount as it changes.
        fields = super().get_fields(request, obj)
        return [name for name in fields if name != "amount"] if self._draft(obj) else fields


class EstimateLineInline(LineInline):
    model = EstimateLine


class InvoiceLineInline(LineInline):
    model = InvoiceLine


class SalesOrderLineInline(LineInline):
    model = SalesOrderLine


class CreditNoteLineInline(LineInline):
    model = CreditNoteLine


class RecurringProfileLineInline(ScopedTabularInline):
    model = RecurringProfileLine
    fields = LINE_FIELDS
    readonly_fields = ["amount"]
    extra = 1


class AttachmentInline(ScopedTabularInline):
    model = Attachment
    fields = ["file", "name", "show_in_portal", "download"]
    readonly_fields = ["download"]
    extra = 0

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "file" and field is not None:
            field.validators.append(uploads.validate_attachment_file)
        return field

    @admin.display(description=_("download"))
    def download(self, attachment: Attachment) -> str:
        if not attachment.pk:
            return ""
        url = reverse("sales:attachment_download", args=[attachment.public_id])
        return format_html('<a href="{}">{}</a>', url, _("Download"))


class DocumentAdmin(LiveTotalsMixin, OrganisationScopedAdmin):
    """Drafts are edited here; issued documents change only through the actions."""

    list_display = ["number", "contact", "issue_date", "status", "viewed", "total", "currency"]
    list_filter = ["status"]
    list_select_related = ["contact"]
    search_fields = ["number", "reference", "contact__display_name"]
    date_hierarchy = "issue_date"
    computed = ["number", "currency", "status", "subtotal", "tax_total", "total"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = [*self.computed, *super().get_readonly_fields(request, obj)]
        if obj is not None and not obj.lines_editable:
            fields += [
                f.name
                for f in self.model._meta.fields
                if f.editable and f.name not in fields and f.name != "id"
            ]
        return fields

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        # A new document is dated today in the organisation's time zone (active per request).
        return {"issue_date": timezone.localdate(), **super().get_changeform_initial_data(request)}

    @admin.display(description=_("viewed"), boolean=True, ordering="first_viewed_at")
    def viewed(self, document: Any) -> bool:
        """Opened by the customer in the portal (staff previews never count)."""
        return document.first_viewed_at is not None

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            services.document_prepare(document=obj)
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if not form.instance.lines_editable:
            return
        try:
            services.document_recalculate(document=form.instance)
        except DomainError as error:
            if error.code != "invalid_discount":
                raise
            # a discount above the new subtotal is dropped rather than failing the whole save
            form.instance.discount = Decimal(0)
            services.document_recalculate(document=form.instance)
            self.message_user(request, f"{error.message} {_('It was removed.')}", messages.WARNING)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # numbers are gap-free: a document is voided or cancelled, never deleted
        return False

    @admin.action(description=_("Send by email (default recipients and wording)"))
    def send_by_email(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        staff = as_staff(request)
        # A double-submitted action sends once: the recent send is seen, and a concurrent twin
        # shares the key (session, document, minute).
        minute = int(time.time() // 60)
        session = request.session.session_key or ""

        def send(document: Any) -> object:
            if sending.sent_moments_ago(
                organisation=staff.organisation, document=document, by=staff.user
            ):
                raise DomainError(
                    str(_("It was sent a moment ago; it was not sent again.")), code="just_sent"
                )
            key = hashlib.sha256(f"{session}:{document.public_id}:{minute}".encode()).hexdigest()
            return sending.document_send(
                organisation=staff.organisation,
                document=document,
                sent_by=staff.user,
                key=f"list:{key[:40]}",
            )

        run_each(self, request, queryset.select_related("contact", "organisation"), send, _("Sent"))


@admin.register(Estimate, site=site)
class EstimateAdmin(CommentThreadMixin, DocumentAdmin):
    list_display = [*DocumentAdmin.list_display, "expiry_date"]
    inlines = [EstimateLineInline, AttachmentInline, EstimateRevisionInline]
    actions = [
        "send_by_email",
        "send",
        "mark_accepted",
        "mark_declined",
        "revise",
        "convert_to_invoice",
    ]
    revise = revise
    fields = [
        "contact",
        "number",
        "reference",
        "issue_date",
        "expiry_date",
        "status",
        "currency",
        "discount",
        "subtotal",
        "tax_total",
        "total",
        "notes",
        "terms",
    ]

    send = service_action(
        _("Mark as sent"), lambda e: services.estimate_send(estimate=e), _("Sent")
    )

    mark_accepted = service_action(
        _("Mark as accepted"), lambda e: services.estimate_accept(estimate=e), _("Accepted")
    )

    mark_declined = service_action(
        _("Mark as declined"), lambda e: services.estimate_decline(estimate=e), _("Declined")
    )

    convert_to_invoice = service_action(
        _("Convert to invoice"),
        lambda e: services.estimate_convert_to_invoice(estimate=e),
        _("Converted to draft invoices"),
    )


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", str(_("Overdue")))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> QuerySet[Invoice]:
        if self.value() == "yes":
            return queryset.overdue()  # type: ignore[attr-defined]
        return queryset


@admin.register(Invoice, site=site)
class InvoiceAdmin(CommentThreadMixin, ExportAdminMixin, DocumentAdmin):
    resource_classes = [resources.InvoiceResource]
    list_display = [
        "number",
        "contact",
        "kind",
        "issue_date",
        "due_date",
        "status",
        "viewed",
        "overdue",
        "total",
        "balance_due",
        "currency",
        "last_reminded",
    ]
    list_filter: list[Any] = [
        "status",
        "kind",
        OverdueFilter,
        filters.ReceivablesFilter,
        "reminders_off",
    ]
    computed = [*DocumentAdmin.computed, "balance_due", "estimate", "sales_order"]
    inlines = [InvoiceLineInline, AttachmentInline, InvoiceReminderInline]
    actions = ["send_by_email", "send", "void", "record_payment", "apply_credit", "send_reminder"]
    fields = [
        "contact",
        "kind",
        "number",
        "reference",
        "issue_date",
        "due_date",
        "allow_partial_payment",
        "payment_gateways",
        "reminders_off",
        "status",
        "currency",
        "discount",
        "subtotal",
        "tax_total",
        "total",
        "balance_due",
        "estimate",
        "sales_order",
        "notes",
        "terms",
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = super().get_readonly_fields(request, obj)
        # Reminders can be stopped on an issued invoice too: the one field that stays open.
        fields = [name for name in fields if name != "reminders_off"]
        return [*fields, "kind"] if obj is not None and "kind" not in fields else fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return reminders.with_last_reminded(super().get_queryset(request))

    @admin.display(description=_("last reminded"), ordering="last_reminded_at")
    def last_reminded(self, invoice: Any) -> datetime.datetime | None:
        return getattr(invoice, "last_reminded_at", None)

    def formfield_for_manytomany(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        if db_field.name == "payment_gateways":
            # A few accounts at most: ticks read better than a multi-select. Only the accounts
            # the portal can charge: active, and the sandbox only while SANDBOX_GATEWAY is on.
            kwargs["widget"] = UnfoldAdminCheckboxSelectMultipleWidget
            kwargs["queryset"] = gateway_choice.offered_accounts(as_staff(request).organisation)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change and not obj.lines_editable:
            # An issued invoice changes only through services; here only its reminder switch.
            if "reminders_off" in form.changed_data:
                reminders.invoice_reminders_set(invoice=obj, off=obj.reminders_off)
            return
        super().save_model(request, obj, form, change)

    def get_urls(self) -> list[Any]:
        remind = self.admin_site.admin_view(self.remind_view)
        return [
            path("<path:object_id>/remind/", remind, name="sales_invoice_remind"),
            *super().get_urls(),
        ]

    def remind_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """GET asks to confirm; POST sends a payment reminder now (recorded as by hand)."""
        invoice = self.get_object(request, object_id)
        if not self.has_change_permission(request, invoice):
            raise Http404("No such invoice.")
        back = reverse("admin:sales_invoice_change", args=[invoice.pk])
        if request.method == "POST":
            staff = as_staff(request)
            try:
                reminder = reminders.invoice_remind(
                    organisation=staff.organisation, invoice=invoice, sent_by=staff.user
                )
            except DomainError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("Reminder sent to %(addresses)s.") % {"addresses": reminder.sent_to},
                    messages.SUCCESS,
                )
            return redirect(back)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Send a payment reminder"),
            "invoice": invoice,
            "opts": self.opts,
            "back_url": back,
            "recipients": [p.email for p in sending.default_recipients(invoice)],
            "problem": reminders.refusal(invoice),
        }
        return TemplateResponse(request, "admin/sales/invoice/remind_confirm.html", context)

    @admin.action(description=_("Send a payment reminder now"))
    def send_reminder(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> None:
        staff = as_staff(request)
        run_each(
            self,
            request,
            queryset.select_related("contact", "organisation"),
            lambda i: reminders.invoice_remind(
                organisation=staff.organisation, invoice=i, sent_by=staff.user
            ),
            _("Reminders sent"),
        )

    @admin.display(boolean=True, description=_("overdue"))
    def overdue(self, invoice: Invoice) -> bool:
        return invoice.is_overdue

    send = service_action(_("Mark as sent"), lambda i: services.invoice_send(invoice=i), _("Sent"))

    void = service_action(
        pgettext_lazy("action", "Void"), lambda i: services.invoice_void(invoice=i), _("Voided")
    )

    @admin.action(description=_("Record payment of the balance (bank transfer, today)"))
    def record_payment(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> None:
        def pay(invoice: Invoice) -> object:
            return payments.payment_record(
                contact=invoice.contact,
                amount=invoice.balance_due,
                date=timezone.localdate(),
                mode="bank_transfer",
                allocations=[(invoice, invoice.balance_due)],
            )

        run_each(self, request, queryset.select_related("contact"), pay, _("Payments recorded"))

    @admin.action(description=_("Apply the customer's credit"))
    def apply_credit(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> None:
        run_each(
            self,
            request,
            queryset,
            lambda i: payments.credit_apply_available(invoice=i),
            _("Credit applied"),
        )


@admin.register(SalesOrder, site=site)
class SalesOrderAdmin(CommentThreadMixin, DocumentAdmin):
    inlines = [SalesOrderLineInline, AttachmentInline]
    actions = ["send_by_email", "confirm", "fulfil", "cancel", "convert_to_invoice"]
    fields = [
        "contact",
        "number",
        "reference",
        "issue_date",
        "expected_shipment_date",
        "status",
        "currency",
        "discount",
        "subtotal",
        "tax_total",
        "total",
        "notes",
        "terms",
    ]

    confirm = service_action(
        _("Confirm"), lambda o: services.sales_order_confirm(sales_order=o), _("Done")
    )

    fulfil = service_action(
        _("Mark as fulfilled"), lambda o: services.sales_order_fulfil(sales_order=o), _("Done")
    )

    cancel = service_action(
        _("Cancel"), lambda o: services.sales_order_cancel(sales_order=o), _("Done")
    )

    convert_to_invoice = service_action(
        _("Convert to invoice"),
        lambda o: services.sales_order_convert_to_invoice(sales_order=o),
        _("Converted to draft invoices"),
    )


@admin.register(CreditNote, site=site)
class CreditNoteAdmin(DocumentAdmin):
    inlines = [CreditNoteLineInline, AttachmentInline]
    actions = ["send_by_email", "open_note", "void"]
    fields = [
        "contact",
        "number",
        "invoice",
        "reason",
        "issue_date",
        "status",
        "currency",
        "discount",
        "subtotal",
        "tax_total",
        "total",
        "notes",
        "terms",
    ]

    open_note = service_action(
        _("Open (give the customer the credit)"),
        lambda n: credit_notes.credit_note_open(credit_note=n),
        _("Opened"),
    )

    void = service_action(
        pgettext_lazy("action", "Void"),
        lambda n: credit_notes.credit_note_void(credit_note=n),
        _("Voided"),
    )


class LiveFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "deleted"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("no", str(_("Active"))), ("yes", str(_("Deleted")))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() in ("yes", "no"):
            return queryset.filter(is_deleted=self.value() == "yes")
        return queryset


@admin.register(RecurringProfile, site=site)
class RecurringProfileAdmin(OrganisationScopedAdmin):
    list_display = [
        "name",
        "contact",
        "frequency",
        "next_date",
        "end_date",
        "autopay",
        "is_deleted",
    ]
    list_filter = [LiveFilter, "frequency", "autopay"]
    list_select_related = ["contact"]
    search_fields = ["name", "contact__display_name"]
    readonly_fields = ["next_date", "autopay_method", "autopay_turned_off_at", "is_deleted"]

    @admin.display(description=_("autopay charges"))
    def autopay_method(self, profile: RecurringProfile) -> str:
        """The customer's default saved method, which autopay charges."""
        if profile.pk is None or profile.contact_id is None:
            return "—"
        method = autopay.default_method_of(profile.contact)
        if method is None:
            return str(_("No default saved method yet: autopay will ask the customer to pay."))
        return str(method)

    inlines = [RecurringProfileLineInline]
    actions = ["soft_delete", "restore", "generate_now"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            obj.next_date = obj.start_date
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        services.recurring_profile_recalculate(profile=form.instance)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # soft-deleted: its invoices keep pointing at it

    soft_delete = service_action(
        _("Delete (stops new invoices; can be restored)"),
        lambda p: services.recurring_profile_delete(profile=p),
        _("Deleted"),
    )

    restore = service_action(
        _("Restore"), lambda p: services.recurring_profile_restore(profile=p), _("Restored")
    )

    @admin.action(description=_("Generate due invoices now"))
    def generate_now(self, request: HttpRequest, queryset: QuerySet[RecurringProfile]) -> None:
        made = services.recurring_generate_due(today=timezone.localdate())
        self.message_user(request, f"Invoices created: {len(made)}", messages.SUCCESS)
