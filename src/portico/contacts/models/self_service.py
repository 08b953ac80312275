"""What customers change and say from the portal: reviews, messages, details change requests.

Imported at the end of `contacts/models.py` so Django registers these models with the app.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portico.contacts.models.customers import Contact, ContactPerson
from portico.core.tenancy import OrganisationOwned

REVIEW_MAX_LENGTH = 2000
SUBJECT_MAX_LENGTH = 150
MESSAGE_MAX_LENGTH = 5000


def field_label(model: type[models.Model], field: str) -> str:
    """A field's name as people read it, saying which address an address part belongs to."""
    label = str(getattr(model._meta.get_field(field), "verbose_name", field))
    if field.startswith("billing_"):
        return f"{_('Billing')} {label}"
    if field.startswith("shipping_"):
        return f"{_('Shipping')} {label}"
    return label[:1].upper() + label[1:]


class SelfServiceSettings(OrganisationOwned):
    """How the organisation takes the changes its customers make in the portal."""

    details_changes_need_review = models.BooleanField(
        _("company details changes wait for approval"),
        default=False,
        help_text=_(
            "Off: a customer's changes to its company details apply at once. On: each changed "
            "field waits in the review queue until staff approve or reject it."
        ),
    )

    class Meta:
        verbose_name = _("self-service settings")
        verbose_name_plural = _("self-service settings")
        constraints = [
            models.UniqueConstraint(fields=["organisation"], name="self_service_settings_once")
        ]

    def __str__(self) -> str:
        return str(_("Self-service settings"))


class Review(OrganisationOwned):
    """One contact person's review of the business; the person may edit it later."""

    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("customer")
    )
    person = models.OneToOneField(
        ContactPerson, on_delete=models.CASCADE, related_name="review", verbose_name=_("by")
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    text = models.TextField(_("review"), max_length=REVIEW_MAX_LENGTH)

    class Meta:
        verbose_name = _("client review")
        verbose_name_plural = _("client reviews")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="review_rating_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rating}/5 · {self.text[:40]}"

    @property
    def stars(self) -> str:
        return "★" * self.rating + "☆" * (5 - self.rating)


class CustomerMessage(OrganisationOwned):
    """A message a contact person sent to the business from the portal (also emailed)."""

    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="messages", verbose_name=_("customer")
    )
    person = models.ForeignKey(
        ContactPerson,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("from"),
    )
    reply_to = models.EmailField(_("reply to"))
    subject = models.CharField(_("subject"), max_length=SUBJECT_MAX_LENGTH)
    body = models.TextField(_("message"), max_length=MESSAGE_MAX_LENGTH)

    class Meta:
        verbose_name = _("customer message")
        verbose_name_plural = _("customer messages")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["person", "created_at"])]

    def __str__(self) -> str:
        return self.subject


class DetailsChangeItem(OrganisationOwned):
    """One field of a customer's company details that a contact person asked to change."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        APPLIED = "applied", _("Applied at once")

    contact = models.ForeignKey(
        Contact,
        on_delete=models.CASCADE,
        related_name="details_changes",
        verbose_name=_("customer"),
        editable=False,
    )
    person = models.ForeignKey(
        ContactPerson,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("asked by"),
        editable=False,
    )
    batch = models.UUIDField(_("submission"), editable=False)
    field = models.CharField(_("field"), max_length=40, editable=False)
    old_value = models.CharField(_("old value"), max_length=300, blank=True, editable=False)
    new_value = models.CharField(_("new value"), max_length=300, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("details change")
        verbose_name_plural = _("details changes (review queue)")
        ordering = ["-created_at", "id"]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return f"{self.field}: {self.old_value} → {self.new_value}"

    @property
    def field_label(self) -> str:
        return field_label(Contact, self.field)


class PendingEmailChange(OrganisationOwned):
    """A new login email waiting for its confirmation link (a portal token) to be opened."""

    person = models.ForeignKey(
        ContactPerson, on_delete=models.CASCADE, related_name="+", editable=False
    )
    token = models.OneToOneField(
        "contacts.PortalToken", on_delete=models.CASCADE, related_name="+", editable=False
    )
    new_email = models.EmailField(_("new email"), editable=False)

    class Meta:
        verbose_name = _("pending email change")

    def __str__(self) -> str:
        return self.new_email
