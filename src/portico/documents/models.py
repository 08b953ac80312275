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


class StatementPdf(OrganisationOwned):
    """A customer's statement PDF for one period, language and ledger version: rendered in the
    background (or at once when short), kept until the customer's ledger moves on.

    `key` names what the PDF shows, so asking again for the same statement finds this row,
    and a retried or re-run render writes the same file."""

    class Status(models.TextChoices):
        PREPARING = "preparing", _("Preparing")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.CASCADE, related_name="+", verbose_name=_("customer")
    )
    key = models.CharField(max_length=64)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    language = models.CharField(_("language"), max_length=10)
    ledger_version = models.PositiveBigIntegerField()
    lines = models.PositiveIntegerField(_("lines"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PREPARING
    )
    path = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    email_to = models.JSONField(default=list)
    """Contact persons (ids) who asked for the PDF by email; each is sent it once."""

    class Meta:
        verbose_name = _("statement PDF")
        verbose_name_plural = _("statement PDFs")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "contact", "key"], name="statement_pdf_key_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.start} – {self.end} ({self.get_status_display()})"
