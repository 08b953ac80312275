"""Recurring profiles: a template invoice generated on a schedule."""

from __future__ import annotations

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from portico.core.tenancy import OrganisationOwned
from portico.sales.models.base import DocumentLine


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


class RecurringProfileQuerySet(models.QuerySet["RecurringProfile"]):
    def live(self) -> RecurringProfileQuerySet:
        return self.filter(is_deleted=False)


class RecurringProfile(OrganisationOwned):
    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        YEARLY = "yearly", _("Yearly")

    MONTHS = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.YEARLY: 12}

    contact = models.ForeignKey(
        "contacts.Contact",
        on_delete=models.PROTECT,
        related_name="recurring_profiles",
        verbose_name=_("customer"),
    )
    name = models.CharField(_("profile name"), max_length=200)
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    start_date = models.DateField(_("start date"))
    next_date = models.DateField(_("next invoice date"), editable=False)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    payment_terms_days = models.PositiveSmallIntegerField(_("payment terms (days)"), default=30)
    send_automatically = models.BooleanField(_("send invoices automatically"), default=True)
    autopay = models.BooleanField(
        _("autopay"),
        default=False,
        help_text=_(
            "Charge the customer's default saved card or bank account when an invoice is "
            "generated. Needs invoices sent automatically."
        ),
    )
    autopay_turned_off_at = models.DateTimeField(
        _("autopay turned off by the customer"), null=True, blank=True, editable=False
    )
    notes = models.TextField(_("customer notes"), blank=True)
    terms = models.TextField(_("terms and conditions"), blank=True)
    is_deleted = models.BooleanField(_("deleted"), default=False, editable=False)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = RecurringProfileQuerySet.as_manager()

    class Meta:
        verbose_name_plural = _("recurring profiles")
        verbose_name = _("recurring profile")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.autopay and not self.send_automatically:
            raise ValidationError(
                {"autopay": _("Autopay charges sent invoices: tick “send invoices automatically”.")}
            )

    def period_after(self, period: datetime.date) -> datetime.date:
        """The next period; monthly steps keep the start date's day, clipped to month end."""
        if self.frequency == self.Frequency.WEEKLY:
            return period + datetime.timedelta(weeks=1)
        return add_months(
            self.start_date,
            self._months_since_start(period) + self.MONTHS[self.Frequency(self.frequency)],
        )

    def _months_since_start(self, period: datetime.date) -> int:
        return (period.year - self.start_date.year) * 12 + period.month - self.start_date.month


class RecurringProfileLine(DocumentLine):
    document = models.ForeignKey(RecurringProfile, on_delete=models.CASCADE, related_name="lines")
