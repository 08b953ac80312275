"""What every sales document shares: numbering, contact, currency, dates, totals, lines."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portico.core.currencies import validate_currency
from portico.core.tenancy import OrganisationOwned

MONEY: dict[str, Any] = {"max_digits": 18, "decimal_places": 4, "default": Decimal(0)}


class NumberSequence(OrganisationOwned):
    """One counter row per organisation and document kind, locked while a number is taken."""

    kind = models.CharField(max_length=20)
    next_value = models.PositiveBigIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind"], name="number_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.next_value}"


class SalesDocument(OrganisationOwned):
    """Abstract base of estimates, invoices, sales orders and credit notes.

    Totals are stored for lists and sums in SQL, and only ever written by the services,
    which recompute them with `portico.core.money.document_totals`.
    """

    PORTAL_HIDDEN: ClassVar[Q] = Q(status="draft")
    """What the portal never shows of this kind (`.exclude(Model.PORTAL_HIDDEN)`): drafts."""

    @property
    def portal_count_key(self) -> str:
        """The state the portal's lists count this document under, "" while they hide it
        (`portico.sales.counts`; the same rule as `PORTAL_HIDDEN`)."""
        status: str = getattr(self, "status", "draft")
        return "" if status == "draft" else status

    @property
    def lines_editable(self) -> bool:
        """Lines, amounts and dates change only while the document is a draft (a new,
        unsaved document is one)."""
        return self.pk is None or getattr(self, "status", "draft") == "draft"

    contact = models.ForeignKey(
        "contacts.Contact",
        on_delete=models.PROTECT,
        related_name="%(class)ss",
        verbose_name=_("customer"),
    )
    number = models.CharField(_("number"), max_length=30, editable=False)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    currency = models.CharField(
        _("currency"), max_length=3, validators=[validate_currency], editable=False
    )
    issue_date = models.DateField(_("date"))
    notes = models.TextField(_("customer notes"), blank=True)
    terms = models.TextField(_("terms and conditions"), blank=True)
    discount = models.DecimalField(
        _("discount"), validators=[MinValueValidator(Decimal(0))], **MONEY
    )
    subtotal = models.DecimalField(_("subtotal"), editable=False, **MONEY)
    tax_total = models.DecimalField(_("tax"), editable=False, **MONEY)
    total = models.DecimalField(_("total"), editable=False, **MONEY)
    first_viewed_at = models.DateTimeField(_("first viewed"), null=True, blank=True, editable=False)

    NUMBER_KIND = ""
    DOCUMENT_KIND = ""

    class Meta:
        abstract = True
        ordering = ["-issue_date", "-id"]

    def __str__(self) -> str:
        return self.number or str(_("(new)"))

    def number_kind(self) -> str:
        return self.NUMBER_KIND


class DocumentLine(models.Model):
    """Abstract line; the concrete class adds `document` pointing at its document."""

    ORGANISATION_PATH = "document__organisation"

    item = models.ForeignKey(
        "orgs.Item", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    description = models.CharField(_("description"), max_length=500, blank=True)
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=14,
        decimal_places=4,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal(0))],
    )
    rate = models.DecimalField(
        _("rate"), max_digits=18, decimal_places=4, validators=[MinValueValidator(Decimal(0))]
    )
    discount_percent = models.DecimalField(
        _("discount %"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    tax = models.ForeignKey(
        "orgs.Tax", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    amount = models.DecimalField(_("amount"), editable=False, **MONEY)
    position = models.PositiveIntegerField(default=0)

    document: Any

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.description or str(self.item or "")


def _exactly_one_of(*names: str) -> models.Q:
    condition = models.Q()
    for name in names:
        one = models.Q(**{f"{name}__isnull": False})
        for other in names:
            if other != name:
                one &= models.Q(**{f"{other}__isnull": True})
        condition |= one
    return condition


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"attachments/{instance.organisation_id}/{instance.public_id}/{filename}"


class Attachment(OrganisationOwned):
    """A file on one document or timesheet approval, kept in the storage API and served by an
    authorised view; `comment` links a file a customer posted with a comment."""

    estimate = models.ForeignKey(
        "sales.Estimate",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    invoice = models.ForeignKey(
        "sales.Invoice", on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    sales_order = models.ForeignKey(
        "sales.SalesOrder",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    credit_note = models.ForeignKey(
        "sales.CreditNote",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    approval = models.ForeignKey(
        "projects.TimesheetApproval",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("timesheet approval"),
    )
    comment = models.ForeignKey(
        "activity.Comment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attachments",
        editable=False,
        verbose_name=_("comment"),
        help_text=_("The comment the file was posted with, if any."),
    )
    file = models.FileField(_("file"), upload_to=attachment_path)
    name = models.CharField(_("name"), max_length=200, blank=True)
    show_in_portal = models.BooleanField(_("show in portal"), default=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one_of(
                    "estimate", "invoice", "sales_order", "credit_note", "approval"
                ),
                name="attachment_on_one_document",
            )
        ]

    def __str__(self) -> str:
        return self.name or str(self.file.name)
