"""What Portico remembers of a Stripe account: which Stripe customer stands for which contact."""

from __future__ import annotations

from django.db import models


class StripeCustomer(models.Model):
    """The Stripe customer that holds one contact's saved cards at one gateway account."""

    account_ref = models.CharField(max_length=64)
    customer_ref = models.CharField(max_length=64)
    stripe_id = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account_ref", "customer_ref"], name="stripe_customer_once_per_contact"
            ),
        ]

    def __str__(self) -> str:
        return self.stripe_id
