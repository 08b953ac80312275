"""The simulated processor's own records. It never stores a card number, account number
or CVV: only brand, last four, expiry, a keyed fingerprint and the outcome the number
stands for."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from portico.payments.gateways.base import ChargeStatus, MethodKind
from portico.payments.gateways.sandbox.cards import Scenario


class SandboxAccount(models.Model):
    public_key = models.CharField(max_length=80, unique=True)
    secret_key = models.CharField(max_length=80, unique=True)
    webhook_secret = models.CharField(max_length=80)
    webhook_url = models.URLField(
        max_length=500, blank=True, help_text=_("Empty: the portal's default receiver.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.public_key


class BillingFields(models.Model):
    name = models.CharField(max_length=200, blank=True)
    line1 = models.CharField(max_length=200, blank=True)
    line2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, blank=True)

    class Meta:
        abstract = True


class MethodDetails(BillingFields):
    """What is kept of a card or bank account: never its number or code."""

    kind = models.CharField(max_length=10, choices=MethodKind.choices)
    brand = models.CharField(max_length=20)
    last4 = models.CharField(max_length=4)
    exp_month = models.PositiveSmallIntegerField(null=True)
    exp_year = models.PositiveSmallIntegerField(null=True)
    fingerprint = models.CharField(max_length=60)
    scenario = models.CharField(max_length=30, choices=Scenario.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class Token(MethodDetails):
    token_id = models.CharField(max_length=40, unique=True)
    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="tokens")
    used_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return self.token_id


class PaymentMethod(MethodDetails):
    method_id = models.CharField(max_length=40, unique=True)
    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="methods")
    customer_ref = models.CharField(max_length=100, blank=True)
    detached_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return self.method_id


class Charge(models.Model):
    charge_id = models.CharField(max_length=40, unique=True)
    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="charges")
    idempotency_key = models.CharField(max_length=200)
    request_digest = models.CharField(max_length=64)
    amount = models.DecimalField(max_digits=14, decimal_places=4)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=10, choices=ChargeStatus.choices)
    failure_code = models.CharField(max_length=30, blank=True)
    token = models.OneToOneField(Token, on_delete=models.PROTECT, null=True, related_name="charge")
    payment_method = models.ForeignKey(
        PaymentMethod, on_delete=models.PROTECT, null=True, related_name="charges"
    )
    saved_method = models.ForeignKey(
        PaymentMethod, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    method_kind = models.CharField(max_length=10, choices=MethodKind.choices)
    brand = models.CharField(max_length=20)
    last4 = models.CharField(max_length=4)
    fingerprint = models.CharField(max_length=60)
    description = models.CharField(max_length=500, blank=True)
    customer_ref = models.CharField(max_length=100, blank=True)
    recurring = models.BooleanField(default=False)
    settles_at = models.DateTimeField(null=True)
    settled_at = models.DateTimeField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "idempotency_key"], name="sandbox_charge_idempotency_key"
            )
        ]
        indexes = [models.Index(fields=["account", "fingerprint", "created_at"])]

    def __str__(self) -> str:
        return self.charge_id


class Refund(models.Model):
    refund_id = models.CharField(max_length=40, unique=True)
    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="refunds")
    charge = models.ForeignKey(Charge, on_delete=models.PROTECT, related_name="refunds")
    idempotency_key = models.CharField(max_length=200)
    amount = models.DecimalField(max_digits=14, decimal_places=4)
    reason = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=ChargeStatus.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "idempotency_key"], name="sandbox_refund_idempotency_key"
            )
        ]

    def __str__(self) -> str:
        return self.refund_id


class WebhookEvent(models.Model):
    event_id = models.CharField(max_length=40, unique=True)
    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=40)
    payload = models.JSONField()
    attempts = models.PositiveSmallIntegerField(default=0)
    delivered_at = models.DateTimeField(null=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.event_id
