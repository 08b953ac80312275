"""What Send keeps: each organisation's email wording per document kind, and every send."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portico.core import placeholders
from portico.core.tenancy import OrganisationOwned


class SendableKind(models.TextChoices):
    """The document kinds staff send (slugs of `portico.documents.kinds`)."""

    ESTIMATE = "estimate", _("Estimate")
    INVOICE = "invoice", _("Invoice")
    RETAINER_INVOICE = "retainer-invoice", _("Retainer invoice")
    SALES_ORDER = "sales-order", _("Sales order")
    CREDIT_NOTE = "credit-note", _("Credit note")


class DocumentEmailTemplate(OrganisationOwned):
    """The subject and message Send starts from, for one kind of document.

    Without a row the built-in wording (`portico.documents.sending.DEFAULT_TEMPLATES`) is used.
    """

    kind = models.CharField(_("document kind"), max_length=30, choices=SendableKind.choices)
    subject = models.CharField(_("subject"), max_length=200, validators=[placeholders.validate])
    message = models.TextField(_("message"), max_length=4000, validators=[placeholders.validate])

    class Meta:
        verbose_name = _("document email template")
        verbose_name_plural = _("document email templates")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind"], name="document_email_template_one_per_kind"
            )
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())


class DocumentSend(OrganisationOwned):
    """One Send of one document: who got it, with which wording; the key stops a second click."""

    class Purpose(models.TextChoices):
        SEND = "send", _("Sent")
        REMINDER = "reminder", _("Payment reminder")

    kind = models.CharField(_("document kind"), max_length=30, choices=SendableKind.choices)
    document_id = models.UUIDField(_("document"), db_index=True)
    number = models.CharField(_("number"), max_length=40)
    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.CASCADE, related_name="+", verbose_name=_("customer")
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    automatic = models.BooleanField(_("sent automatically"), default=False)
    purpose = models.CharField(
        _("purpose"), max_length=20, choices=Purpose.choices, default=Purpose.SEND
    )
    key = models.CharField(max_length=80)
    recipients = models.JSONField(_("recipients"), default=list)
    """[{"person": public id, "name", "email", "language", "link": bool}, …]"""
    cc = models.JSONField(_("cc"), default=list)
    subject = models.CharField(_("subject"), max_length=300)
    attached_pdf = models.BooleanField(_("PDF attached"), default=True)

    class Meta:
        verbose_name = _("document send")
        verbose_name_plural = _("document sends")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="document_send_key_once")
        ]

    def __str__(self) -> str:
        return f"{self.number} → {', '.join(self.addresses)}"

    @property
    def addresses(self) -> list[str]:
        return [str(r.get("email", "")) for r in self.recipients] + [str(a) for a in self.cc]
