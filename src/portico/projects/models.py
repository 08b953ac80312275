"""Projects for a customer, the time logged on them and the timesheets a customer approves."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portico.core.errors import InvalidTransition
from portico.core.tenancy import OrganisationOwned

MAX_HOURS_PER_ENTRY = Decimal("24")


def validate_positive_hours(value: Decimal) -> None:
    if value is not None and value <= 0:
        raise ValidationError(_("Hours must be more than zero."), code="hours_not_positive")


def check_transition(
    kind: str, table: dict[str, frozenset[str]], current: str, target: str
) -> None:
    """The one place a status change is allowed or refused, for every kind in this app."""
    if target not in table.get(current, frozenset()):
        raise InvalidTransition(kind, current, target)


class Project(OrganisationOwned):
    class BillingMethod(models.TextChoices):
        FIXED_COST = "fixed_cost", _("Fixed cost for the project")
        PROJECT_HOURS = "project_hours", _("Hourly, at the project's rate")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.ACTIVE: frozenset({Status.COMPLETED, Status.CANCELLED}),
        Status.COMPLETED: frozenset({Status.ACTIVE}),
        Status.CANCELLED: frozenset({Status.ACTIVE}),
    }

    contact = models.ForeignKey(
        "contacts.Contact",
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("customer"),
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    billing_method = models.CharField(
        _("billing method"),
        max_length=20,
        choices=BillingMethod.choices,
        default=BillingMethod.PROJECT_HOURS,
    )
    rate = models.DecimalField(
        _("rate"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Per hour for hourly projects; the whole price for fixed-cost projects."),
    )
    budget_hours = models.DecimalField(
        _("budget (hours)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE, editable=False
    )
    show_in_portal = models.BooleanField(_("show in portal"), default=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["name"]
        indexes = [models.Index(fields=["organisation", "contact", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(rate__gte=0), name="project_rate_not_negative"),
            models.CheckConstraint(
                condition=Q(budget_hours__isnull=True) | Q(budget_hours__gte=0),
                name="project_budget_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_hourly(self) -> bool:
        return self.billing_method == self.BillingMethod.PROJECT_HOURS

    def ensure_can_become(self, target: str) -> None:
        check_transition("project", self.TRANSITIONS, self.status, target)


class TimeEntry(OrganisationOwned):
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="time_entries", verbose_name=_("project")
    )
    date = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=2,
        validators=[validate_positive_hours, MaxValueValidator(MAX_HOURS_PER_ENTRY)],
    )
    task = models.CharField(_("task"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    billable = models.BooleanField(_("billable"), default=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff"),
    )
    approval = models.ForeignKey(
        "TimesheetApproval",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="current_entries",
        verbose_name=_("latest approval"),
    )
    invoiced_at = models.DateTimeField(_("invoiced at"), null=True, blank=True, editable=False)
    invoice = models.ForeignKey(
        "sales.Invoice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="time_entries",
        verbose_name=_("invoice"),
    )

    class Meta:
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        ordering = ["-date", "-created_at"]
        indexes = [models.Index(fields=["organisation", "project", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=MAX_HOURS_PER_ENTRY),
                name="time_entry_hours_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} · {self.task} · {self.hours} h"

    @property
    def is_invoiced(self) -> bool:
        return self.invoice_id is not None


class TimesheetApproval(OrganisationOwned):
    """A set of time entries sent to the customer, who approves or rejects them as a whole."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.PENDING: frozenset({Status.APPROVED, Status.REJECTED}),
        Status.APPROVED: frozenset(),
        Status.REJECTED: frozenset(),
    }
    # Entries in an approval with one of these statuses cannot be edited or sent again.
    HOLDING_STATUSES = (Status.PENDING, Status.APPROVED)

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="approvals", verbose_name=_("project")
    )
    entries = models.ManyToManyField(
        TimeEntry,
        related_name="approvals_sent_in",
        verbose_name=_("time entries"),
        blank=True,
        help_text=_("Every entry sent in this approval, kept after a rejection."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, editable=False
    )
    reason = models.TextField(_("reason for rejection"), blank=True, editable=False)
    decided_by = models.ForeignKey(
        "contacts.ContactPerson",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent at"), editable=False)
    first_viewed_at = models.DateTimeField(
        _("first viewed in the portal"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("timesheet approval")
        verbose_name_plural = _("timesheet approvals")
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["organisation", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reason=""),
                name="approval_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.sent_at:%Y-%m-%d}" if self.sent_at else str(self.project)

    def ensure_can_become(self, target: str) -> None:
        check_transition("timesheet approval", self.TRANSITIONS, self.status, target)
