"""Estimates, invoices (regular and retainer), sales orders and credit notes, with lines."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portico.sales.models.base import MONEY, DocumentLine, SalesDocument


class Estimate(SalesDocument):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", pgettext_lazy("estimate status", "Sent")
        VIEWED = "viewed", _("Viewed")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        INVOICED = "invoiced", _("Invoiced")

    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True, editable=False)
    signed_name = models.CharField(max_length=200, blank=True, editable=False)
    accepted_ip = models.GenericIPAddressField(null=True, blank=True, editable=False)
    declined_at = models.DateTimeField(null=True, blank=True, editable=False)
    decline_reason = models.TextField(blank=True, editable=False)

    NUMBER_KIND = "estimate"
    DOCUMENT_KIND = "estimate"

    class Meta(SalesDocument.Meta):
        verbose_name = _("estimate")
        verbose_name_plural = _("estimates")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"], name="estimate_number_unique"
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "contact", "status"]),
            # The portal's default list: one customer's documents, newest first.
            models.Index(
                fields=["organisation", "contact", "-issue_date", "-id"],
                name="estimate_portal_list",
            ),
        ]


class EstimateLine(DocumentLine):
    document = models.ForeignKey(Estimate, on_delete=models.CASCADE, related_name="lines")


class SalesOrder(SalesDocument):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        CONFIRMED = "confirmed", _("Confirmed")
        FULFILLED = "fulfilled", _("Fulfilled")
        CANCELLED = "cancelled", _("Cancelled")

    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    expected_shipment_date = models.DateField(_("expected shipment"), null=True, blank=True)

    NUMBER_KIND = "sales_order"
    DOCUMENT_KIND = "sales order"

    class Meta(SalesDocument.Meta):
        verbose_name_plural = _("sales orders")
        verbose_name = _("sales order")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"], name="sales_order_number_unique"
            )
        ]


class SalesOrderLine(DocumentLine):
    document = models.ForeignKey(SalesOrder, on_delete=models.CASCADE, related_name="lines")


class InvoiceQuerySet(models.QuerySet["Invoice"]):
    def open(self) -> InvoiceQuerySet:
        """Issued and not settled: what a customer still owes on."""
        return self.filter(status__in=Invoice.OPEN_STATUSES)

    def overdue(self, today: datetime.date | None = None) -> InvoiceQuerySet:
        today = today or timezone.localdate()
        return self.open().filter(due_date__lt=today, balance_due__gt=0)


class Invoice(SalesDocument):
    class Kind(models.TextChoices):
        REGULAR = "regular", _("Invoice")
        RETAINER = "retainer", _("Retainer invoice")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", pgettext_lazy("invoice status", "Sent")
        VIEWED = "viewed", _("Viewed")
        PARTIALLY_PAID = "partially_paid", _("Partially paid")
        PAID = "paid", _("Paid")
        VOID = "void", pgettext_lazy("invoice status", "Void")

    OPEN_STATUSES = (Status.SENT, Status.VIEWED, Status.PARTIALLY_PAID)
    # Drafts, and invoices voided before anyone sent them, never reach the customer.
    PORTAL_HIDDEN = Q(status=Status.DRAFT) | Q(status=Status.VOID, sent_at__isnull=True)
    PAYABLE_STATUSES = OPEN_STATUSES

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REGULAR)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    allow_partial_payment = models.BooleanField(_("allow partial payment"), default=True)
    balance_due = models.DecimalField(_("balance due"), editable=False, **MONEY)
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    estimate = models.ForeignKey(
        Estimate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="invoices",
    )
    sales_order = models.ForeignKey(
        SalesOrder,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="invoices",
    )
    recurring_profile = models.ForeignKey(
        "sales.RecurringProfile",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="invoices",
    )
    recurring_period = models.DateField(null=True, blank=True, editable=False)
    reminders_off = models.BooleanField(
        _("stop reminders"),
        default=False,
        help_text=_("No payment reminder is sent for this invoice, by the schedule or by hand."),
    )
    payment_gateways = models.ManyToManyField(
        "orgs.GatewayAccount",
        blank=True,
        related_name="+",
        verbose_name=_("payment gateways offered"),
        help_text=_(
            "Where the customer may pay this invoice online. Leave all unticked to offer every "
            "active gateway."
        ),
    )

    objects = InvoiceQuerySet.as_manager()

    DOCUMENT_KIND = "invoice"

    class Meta(SalesDocument.Meta):
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"], name="invoice_number_unique"
            ),
            models.UniqueConstraint(
                fields=["recurring_profile", "recurring_period"],
                condition=Q(recurring_profile__isnull=False),
                name="invoice_one_per_recurring_period",
            ),
            models.CheckConstraint(condition=Q(balance_due__gte=0), name="invoice_balance_gte_0"),
        ]
        indexes = [
            models.Index(fields=["organisation", "contact", "status"]),
            models.Index(fields=["organisation", "due_date"]),
            # The portal's default list: one customer's invoices, newest first.
            models.Index(
                fields=["organisation", "contact", "-issue_date", "-id"], name="invoice_portal_list"
            ),
            # A customer's open items, covered: the dashboard's overdue figures, the account's
            # recount, the pay page and the statement's aging read only the entries with
            # something left to pay (`balance_due > 0`, a range on the third column), never the
            # paid history, whatever the plan: a plan PostgreSQL reuses for every customer may
            # leave `status IN (…)` out of the index's bounds, never the leading range. Not a
            # partial index: SQLite cannot match its condition against bound parameters.
            models.Index(
                fields=["organisation", "contact", "balance_due", "kind", "status", "due_date"],
                name="invoice_open_items",
            ),
        ]

    def number_kind(self) -> str:
        return "retainer" if self.kind == self.Kind.RETAINER else "invoice"

    @property
    def portal_count_key(self) -> str:
        hidden = self.status == self.Status.DRAFT or (
            self.status == self.Status.VOID and self.sent_at is None
        )
        return "" if hidden else f"{self.kind}:{self.status}"

    @property
    def is_overdue(self) -> bool:
        return self.overdue_on(timezone.localdate())

    def overdue_on(self, today: datetime.date) -> bool:
        """Overdue on the day `today` (a list asks once for all its rows)."""
        return (
            self.status in self.OPEN_STATUSES
            and self.due_date is not None
            and self.due_date < today
            and self.balance_due > 0
        )

    @property
    def amount_paid(self) -> Decimal:
        """Settled by payments and credit (for a void invoice: nothing is due)."""
        return self.total - self.balance_due


class InvoiceLine(DocumentLine):
    document = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")


class CreditNote(SalesDocument):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        VOID = "void", pgettext_lazy("credit note status", "Void")

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    invoice = models.ForeignKey(
        Invoice,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="credit_notes",
        verbose_name=_("against invoice"),
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    NUMBER_KIND = "credit_note"
    DOCUMENT_KIND = "credit note"

    class Meta(SalesDocument.Meta):
        verbose_name_plural = _("credit notes")
        verbose_name = _("credit note")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"], name="credit_note_number_unique"
            )
        ]


class CreditNoteLine(DocumentLine):
    document = models.ForeignKey(CreditNote, on_delete=models.CASCADE, related_name="lines")
