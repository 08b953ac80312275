"""An estimate's earlier revisions: what the customer was sent before it was revised, kept
readable with the reason it was revised (their decline or requested changes)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from portico.core.tenancy import OrganisationOwned
from portico.sales.models.base import MONEY
from portico.sales.models.documents import Estimate


class EstimateRevision(OrganisationOwned):
    """A frozen copy of one sent revision of an estimate, written by `estimate_revise`."""

    estimate = models.ForeignKey(
        Estimate, on_delete=models.CASCADE, related_name="revisions", editable=False
    )
    revision = models.PositiveIntegerField(_("revision"), editable=False)
    status = models.CharField(_("answer"), max_length=12, choices=Estimate.Status.choices)
    reason = models.TextField(_("reason"), blank=True)
    issue_date = models.DateField(_("date"))
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3)
    discount = models.DecimalField(_("discount"), **MONEY)
    subtotal = models.DecimalField(_("subtotal"), **MONEY)
    tax_total = models.DecimalField(_("tax"), **MONEY)
    total = models.DecimalField(_("total"), **MONEY)
    lines = models.JSONField(_("lines"), default=list)
    """[{description, quantity, rate, discount_percent, tax, amount}], amounts as strings."""

    class Meta:
        ordering = ["estimate", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["estimate", "revision"], name="estimate_revision_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.estimate} · {_('revision')} {self.revision}"
