"""Payments with their allocations, customer credit, refunds and the customer ledger."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portico.core import placeholders
from portico.core.tenancy import OrganisationOwned

MONEY: dict[str, Any] = {"max_digits": 18, "decimal_places": 4}


class PaymentMode(models.TextChoices):
    CASH = "cash", _("Cash")
    CHEQUE = "cheque", _("Cheque")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    CARD = "card", _("Card")
    BANK_DEBIT = "bank_debit", _("Bank debit")


class Payment(OrganisationOwned):
    class Source(models.TextChoices):
        OFFLINE = "offline", _("Recorded by the business")
        ONLINE = "online", _("Paid online")

    contact = models.ForeignKey(
        "contacts.Contact",
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("customer"),
    )
    number = models.CharField(_("number"), max_length=30, editable=False)
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, editable=False)
    mode = models.CharField(_("mode"), max_length=16, choices=PaymentMode.choices)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.OFFLINE, editable=False
    )
    gateway = models.CharField(_("gateway"), max_length=30, blank=True, editable=False)
    gateway_transaction_id = models.CharField(max_length=100, blank=True, editable=False)
    notes = models.TextField(_("internal notes"), blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"], name="payment_number_unique"
            ),
            models.UniqueConstraint(
                fields=["gateway", "gateway_transaction_id"],
                condition=~Q(gateway_transaction_id=""),
                name="payment_gateway_transaction_unique",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_gt_0"),
        ]
        indexes = [
            # The portal's list (newest first, the id breaking ties) and a period's payments:
            # read in the index's order, so a page stops after its rows whatever the plan.
            models.Index(
                fields=["organisation", "contact", "-date", "-id"], name="payment_portal_list"
            )
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def portal_count_key(self) -> str:
        """The state the portal's payment list counts this payment under (`sales.counts`)."""
        return str(self.source)


class PaymentAllocation(models.Model):
    ORGANISATION_PATH = "payment__organisation"

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    invoice = models.ForeignKey(
        "sales.Invoice", on_delete=models.PROTECT, related_name="allocations"
    )
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["payment", "invoice"], name="allocation_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_amount_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.payment} → {self.invoice}"


class CustomerCredit(OrganisationOwned):
    """Money a customer has with the business to spend on invoices or have refunded."""

    class Kind(models.TextChoices):
        EXCESS_PAYMENT = "excess_payment", _("Excess payment")
        RETAINER = "retainer", _("Retainer payment")
        CREDIT_NOTE = "credit_note", _("Credit note")

    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.PROTECT, related_name="credits"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    date = models.DateField(_("date"))
    currency = models.CharField(_("currency"), max_length=3)
    amount = models.DecimalField(_("amount"), **MONEY)
    remaining = models.DecimalField(_("remaining"), **MONEY)
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="credits"
    )
    retainer_invoice = models.ForeignKey(
        "sales.Invoice", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    credit_note = models.OneToOneField(
        "sales.CreditNote",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit",
    )

    class Meta:
        verbose_name_plural = _("customer credits")
        verbose_name = _("customer credit")
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(remaining__gte=0) & Q(remaining__lte=models.F("amount")),
                name="credit_remaining_within_amount",
            )
        ]
        indexes = [models.Index(fields=["organisation", "contact", "remaining"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} {self.currency}"

    @property
    def source_label(self) -> str:
        source = self.credit_note or self.retainer_invoice or self.payment
        return str(source or "")


class CreditApplication(OrganisationOwned):
    credit = models.ForeignKey(
        CustomerCredit, on_delete=models.PROTECT, related_name="applications"
    )
    invoice = models.ForeignKey(
        "sales.Invoice", on_delete=models.PROTECT, related_name="credit_applications"
    )
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="credit_application_gt_0")
        ]

    def __str__(self) -> str:
        return f"{self.credit} → {self.invoice}"


class Refund(OrganisationOwned):
    credit = models.ForeignKey(CustomerCredit, on_delete=models.PROTECT, related_name="refunds")
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), **MONEY)
    mode = models.CharField(_("mode"), max_length=16, choices=PaymentMode.choices)
    reference = models.CharField(_("reference"), max_length=100, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="refund_gt_0")]

    def __str__(self) -> str:
        return f"Refund {self.amount} {self.credit.currency}"


# --- online checkout (issue 7) -------------------------------------------------------------------


class Checkout(OrganisationOwned):
    """One attempt to pay online, written (with its idempotency key) before the gateway call."""

    class State(models.TextChoices):
        CREATED = "created", _("Created")
        PROCESSING = "processing", _("Processing")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        PENDING = "pending", _("Pending (bank debit)")
        UNKNOWN = "unknown", _("Unknown (to reconcile)")

    OPEN_STATES = (State.CREATED, State.PROCESSING, State.PENDING, State.UNKNOWN)
    # Sent to the gateway, outcome not recorded yet: the customer sees "being confirmed".
    CONFIRMING_STATES = (State.CREATED, State.PROCESSING, State.UNKNOWN)

    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.PROTECT, related_name="checkouts"
    )
    person = models.ForeignKey(
        "contacts.ContactPerson",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    gateway_account = models.ForeignKey(
        "orgs.GatewayAccount", on_delete=models.PROTECT, related_name="checkouts"
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    idempotency_key = models.CharField(max_length=80, editable=False)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.CREATED, editable=False
    )
    method_kind = models.CharField(_("method"), max_length=8, blank=True)
    brand = models.CharField(_("brand"), max_length=30, blank=True)
    last4 = models.CharField(_("last 4"), max_length=4, blank=True)
    save_method = models.BooleanField(_("save the method"), default=False)
    autopay = models.BooleanField(
        _("autopay"),
        default=False,
        editable=False,
        help_text=_("Charged by a recurring profile's autopay, not by a person in the portal."),
    )
    saved_method = models.ForeignKey(
        "payments.SavedMethod",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    error_code = models.CharField(_("error code"), max_length=40, blank=True)
    error_message = models.CharField(_("error message"), max_length=300, blank=True)
    gateway_transaction_id = models.CharField(max_length=100, blank=True)
    payment = models.OneToOneField(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="checkout"
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = _("checkouts")
        verbose_name = _("checkout")
        ordering = ["-created_at", "-id"]
        constraints = [
            # A key is the customer's: two customers' forms may never collide or see each other.
            models.UniqueConstraint(
                fields=["organisation", "contact", "idempotency_key"],
                name="checkout_key_unique_per_customer",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="checkout_amount_gt_0"),
        ]
        indexes = [models.Index(fields=["organisation", "state"])]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} ({self.get_state_display()})"


class CheckoutItem(models.Model):
    ORGANISATION_PATH = "checkout__organisation"

    checkout = models.ForeignKey(Checkout, on_delete=models.CASCADE, related_name="items")
    invoice = models.ForeignKey("sales.Invoice", on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["checkout", "invoice"], name="checkout_item_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="checkout_item_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice} {self.amount}"


class SavedMethod(OrganisationOwned):
    """A card or bank account kept at the gateway; only its reference and display details here."""

    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.CASCADE, related_name="saved_methods"
    )
    gateway_account = models.ForeignKey(
        "orgs.GatewayAccount", on_delete=models.PROTECT, related_name="saved_methods"
    )
    reference = models.CharField(max_length=100, editable=False)
    kind = models.CharField(
        _("kind"), max_length=8, choices=[("card", _("Card")), ("bank", _("Bank account"))]
    )
    brand = models.CharField(_("brand"), max_length=30, blank=True)
    last4 = models.CharField(_("last 4"), max_length=4)
    exp_month = models.PositiveSmallIntegerField(_("expiry month"), null=True, blank=True)
    exp_year = models.PositiveSmallIntegerField(_("expiry year"), null=True, blank=True)
    billing_name = models.CharField(_("name"), max_length=200, blank=True)
    billing_line1 = models.CharField(_("address"), max_length=200, blank=True)
    billing_line2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    billing_city = models.CharField(_("city"), max_length=100, blank=True)
    billing_state = models.CharField(_("state"), max_length=100, blank=True)
    billing_postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    billing_country = models.CharField(_("country"), max_length=2, blank=True)
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        verbose_name_plural = _("saved payment methods")
        verbose_name = _("saved payment method")
        ordering = ["-is_default", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["gateway_account", "reference"], name="saved_method_reference_unique"
            ),
            models.UniqueConstraint(
                fields=["contact"], condition=Q(is_default=True), name="saved_method_one_default"
            ),
        ]

    def __str__(self) -> str:
        return f"{(self.brand or self.kind).capitalize()} •••• {self.last4}"


class WebhookEventReceipt(OrganisationOwned):
    """A gateway event handled once: the unique event id turns a replay into a no-op."""

    gateway_account = models.ForeignKey(
        "orgs.GatewayAccount", on_delete=models.PROTECT, related_name="+"
    )
    event_id = models.CharField(max_length=100)
    event_type = models.CharField(max_length=60)
    transaction_id = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name_plural = _("webhook events")
        verbose_name = _("webhook event")
        constraints = [
            models.UniqueConstraint(
                fields=["gateway_account", "event_id"], name="webhook_event_once"
            ),
        ]

    def __str__(self) -> str:
        return self.event_id


class CheckoutSettings(OrganisationOwned):
    """The business's online-payment preferences (one row per organisation, defaults if none)."""

    prevent_duplicate_payments = models.BooleanField(
        _("prevent duplicate payments"),
        default=True,
        help_text=_("Block a second payment of an invoice while a bank debit on it is pending."),
    )
    customers_may_turn_off_autopay = models.BooleanField(
        _("customers may turn off autopay"),
        default=True,
        help_text=_(
            "Show the portal's “Turn off” button on recurring invoices paid automatically."
        ),
    )

    class Meta:
        verbose_name = _("online payment settings")
        verbose_name_plural = _("online payment settings")
        constraints = [
            models.UniqueConstraint(fields=["organisation"], name="checkout_settings_once")
        ]

    def __str__(self) -> str:
        return str(_("Online payment settings"))


# --- payment reminders (issue 14) ----------------------------------------------------------------


class ReminderSchedule(OrganisationOwned):
    """An organisation's payment reminders: a master switch and its stages (made with the
    defaults the first time the organisation needs them, see `payments.reminders`)."""

    enabled = models.BooleanField(
        _("send payment reminders"),
        default=True,
        help_text=_("Email the customer at each stage below until the invoice is paid."),
    )

    class Meta:
        verbose_name = _("payment reminder schedule")
        verbose_name_plural = _("payment reminder schedule")
        constraints = [
            models.UniqueConstraint(fields=["organisation"], name="reminder_schedule_once")
        ]

    def __str__(self) -> str:
        return str(_("Payment reminder schedule"))


class ReminderStage(OrganisationOwned):
    """One step of the schedule: `days` after the due date (negative: before it), with the
    subject and message the business wrote (placeholders allowed, unknown ones refused)."""

    schedule = models.ForeignKey(ReminderSchedule, on_delete=models.CASCADE, related_name="stages")
    days = models.SmallIntegerField(
        _("days after the due date"),
        validators=[MinValueValidator(-60), MaxValueValidator(365)],
        help_text=_("Negative for before the due date, 0 for on the due date."),
    )
    enabled = models.BooleanField(_("on"), default=True)
    subject = models.CharField(_("subject"), max_length=200, validators=[placeholders.validate])
    message = models.TextField(_("message"), max_length=4000, validators=[placeholders.validate])

    class Meta:
        verbose_name = _("reminder stage")
        verbose_name_plural = _("reminder stages")
        ordering = ["days"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "days"], name="reminder_stage_days_once")
        ]

    def __str__(self) -> str:
        if self.days < 0:
            return str(_("%(days)s days before the due date") % {"days": -self.days})
        if self.days == 0:
            return str(_("On the due date"))
        return str(_("%(days)s days overdue") % {"days": self.days})


class InvoiceReminder(OrganisationOwned):
    """A reminder sent for one invoice: by the schedule (once per stage) or by hand."""

    invoice = models.ForeignKey(
        "sales.Invoice", on_delete=models.CASCADE, related_name="reminders", editable=False
    )
    stage = models.ForeignKey(
        ReminderStage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("stage"),
    )
    manual = models.BooleanField(_("sent by hand"), default=False, editable=False)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("sent by"),
    )
    subject = models.CharField(_("subject"), max_length=300, editable=False)
    sent_to = models.CharField(_("sent to"), max_length=1000, editable=False)

    class Meta:
        verbose_name = _("payment reminder")
        ordering = ["-created_at", "-id"]
        constraints = [
            # The claim that makes the schedule send each stage once, however many workers run.
            models.UniqueConstraint(
                fields=["invoice", "stage"],
                condition=Q(stage__isnull=False),
                name="invoice_reminder_once_per_stage",
            ),
        ]
        indexes = [models.Index(fields=["invoice", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.invoice} · {self.subject}"
