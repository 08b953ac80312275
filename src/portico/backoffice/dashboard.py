"""The back office's home page: receivables, payments received, what waits for the business,
recent portal activity and, until it is done, the onboarding checklist.

Every figure comes from an SQL aggregate in the app that owns the data; the page costs the same
number of queries whatever the organisation's size. Amounts are per currency (the base currency
first) and never added across currencies. Each number links to the admin list it counts.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, IntegerField, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portico.activity import selectors as activity
from portico.activity.models import Notification
from portico.backoffice import onboarding
from portico.backoffice.admin.filters import RECEIVABLE_LABELS
from portico.backoffice.staff import as_staff
from portico.contacts import selectors as contacts
from portico.core.formats import format_money
from portico.orgs.models import Organisation
from portico.payments import selectors as payments
from portico.projects import selectors as projects
from portico.sales import selectors as sales

WAITING_DAYS = 30
"""How far back failed payments and rejected timesheets still count as waiting."""


@dataclass(frozen=True)
class Figure:
    label: str
    amount: str
    url: str
    count: int = 0


@dataclass
class CurrencyBlock:
    """One currency's figures: receivables, aging, payments received this month and last."""

    currency: str
    receivables: list[Figure] = field(default_factory=list)
    aging: list[Figure] = field(default_factory=list)
    aging_chart: str = ""
    paid_this_month: Figure | None = None
    paid_last_month: Figure | None = None
    trend: str = ""
    """"up", "down" or "" (same, or nothing to compare with)."""


@dataclass(frozen=True)
class Waiting:
    label: str
    count: int
    url: str
    icon: str


@dataclass(frozen=True)
class Activity:
    text: str
    customer: str
    at: datetime.datetime
    url: str
    icon: str


@dataclass
class Dashboard:
    currencies: list[CurrencyBlock]
    waiting: list[Waiting]
    activity: list[Activity]
    checklist: onboarding.Checklist

    @property
    def waiting_total(self) -> int:
        return sum(item.count for item in self.waiting)


def _changelist(name: str, **params: str) -> str:
    url = reverse(f"admin:{name}_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def _money(amount: Decimal, currency: str) -> str:
    return format_money(amount, currency)


def _currency_order(base: str, codes: set[str]) -> list[str]:
    return [base, *sorted(codes - {base})]


def _aging_chart(amounts: list[Decimal], currency: str) -> str:
    colours = ["#16a34a", "#facc15", "#f97316", "#ea580c", "#dc2626"]
    # Short axis labels (the list beside the chart names each bar in full).
    labels = [_("Not yet due"), _("1–30 days"), _("31–60"), _("61–90"), _("90+")]
    return json.dumps(
        {
            "labels": [str(label) for label in labels],
            "datasets": [
                {
                    "label": currency,
                    # Chart.js draws numbers; the figures shown as text stay Decimal.
                    "data": [float(amount) for amount in amounts],
                    "backgroundColor": colours,
                    "maxBarThickness": 40,
                }
            ],
        }
    )


def _count(queryset: QuerySet[Any], distinct: str = "pk") -> Coalesce:
    """`queryset`'s row count as a subquery, to fetch several counts in one statement."""
    counted = (
        queryset.order_by()
        .values("organisation")
        .annotate(n=Count(distinct, distinct=True))
        .values("n")[:1]
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _waiting(organisation: Organisation, today: datetime.date) -> list[Waiting]:
    since = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=WAITING_DAYS), datetime.time())
    )
    counts = (
        Organisation.objects.filter(pk=organisation.pk)
        .annotate(
            change_requests=_count(
                activity.change_requests_unanswered(organisation=organisation), "estimate"
            ),
            details=_count(contacts.details_changes_to_review(organisation=organisation)),
            rejected=_count(
                projects.approvals_rejected_since(organisation=organisation, since=since)
            ),
            failed=_count(payments.checkouts_failed_since(organisation=organisation, since=since)),
            unknown=_count(payments.checkouts_to_reconcile(organisation=organisation)),
        )
        .values("change_requests", "details", "rejected", "failed", "unknown")
        .get()
    )
    since_param = since.isoformat()
    return [
        Waiting(
            _("Estimates with change requests to answer"),
            counts["change_requests"],
            _changelist("activity_comment", waiting="changes"),
            "edit_note",
        ),
        Waiting(
            _("Customer details changes to review"),
            counts["details"],
            _changelist("contacts_detailschangeitem", status__exact="pending"),
            "manage_accounts",
        ),
        Waiting(
            _("Timesheets rejected (last 30 days)"),
            counts["rejected"],
            _changelist(
                "projects_timesheetapproval", status__exact="rejected", decided_at__gte=since_param
            ),
            "timer_off",
        ),
        Waiting(
            _("Online payments failed (last 30 days)"),
            counts["failed"],
            _changelist("payments_checkout", state__exact="failed", created_at__gte=since_param),
            "credit_card_off",
        ),
        Waiting(
            _("Online payments to reconcile"),
            counts["unknown"],
            _changelist("payments_checkout", state__exact="unknown"),
            "sync_problem",
        ),
    ]


ACTIVITY_ICONS = {
    Notification.Kind.VIEWED: "visibility",
    Notification.Kind.ESTIMATE_ACCEPTED: "task_alt",
    Notification.Kind.ESTIMATE_DECLINED: "cancel",
    Notification.Kind.ESTIMATE_CHANGES: "edit_note",
    Notification.Kind.COMMENTED: "chat",
    Notification.Kind.PAID: "payments",
    Notification.Kind.PAYMENT_FAILED: "credit_card_off",
    Notification.Kind.TIMESHEET_APPROVED: "task_alt",
    Notification.Kind.TIMESHEET_REJECTED: "timer_off",
}

# The admin page of what a notification is about, from the ids on the row (no extra query).
ACTIVITY_TARGETS = (
    ("invoice_id", "sales_invoice"),
    ("estimate_id", "sales_estimate"),
    ("sales_order_id", "sales_salesorder"),
    ("approval_id", "projects_timesheetapproval"),
    ("payment_id", "payments_payment"),
    ("contact_id", "contacts_contact"),
)


def _activity_url(notification: Notification) -> str:
    for attribute, admin_name in ACTIVITY_TARGETS:
        pk = getattr(notification, attribute, None)
        if pk is not None:
            try:
                return reverse(f"admin:{admin_name}_change", args=[pk])
            except NoReverseMatch:
                continue
    return _changelist("activity_notification")


def _activity(organisation: Organisation) -> list[Activity]:
    return [
        Activity(
            text=n.shown_text,
            customer=n.contact.display_name if n.contact else "",
            at=n.created_at,
            url=_activity_url(n),
            icon=ACTIVITY_ICONS.get(n.kind, "notifications"),  # type: ignore[call-overload]
        )
        for n in activity.notifications_recent(organisation=organisation)
    ]


def _receivable(
    name: str, currency: str, amounts: dict[str, Decimal], counts: dict[str, int]
) -> Figure:
    return Figure(
        str(RECEIVABLE_LABELS[name]),
        _money(amounts.get(name, Decimal(0)), currency),
        _changelist("sales_invoice", receivables=name, currency=currency),
        counts.get(name, 0),
    )


def _currency_blocks(organisation: Organisation, today: datetime.date) -> list[CurrencyBlock]:
    receivables = {
        r.currency: r for r in sales.receivables_by_currency(organisation=organisation, today=today)
    }
    received = {
        p.currency: p
        for p in payments.payments_received_by_currency(organisation=organisation, today=today)
    }
    this_month = payments.month_start(today)
    last_month = payments.previous_month_start(today)
    blocks = []
    for currency in _currency_order(organisation.base_currency, set(receivables) | set(received)):
        block = CurrencyBlock(currency)
        owed = receivables.get(currency)
        amounts = owed.amounts if owed else {}
        counts = owed.counts if owed else {}

        block.receivables = [
            _receivable(name, currency, amounts, counts)
            for name in ("outstanding", "overdue", "due_soon")
        ]
        block.aging = [_receivable(name, currency, amounts, counts) for name in sales.AGING_BUCKETS]
        block.aging_chart = _aging_chart(
            [amounts.get(name, Decimal(0)) for name in sales.AGING_BUCKETS], currency
        )
        paid = received.get(currency)
        this_amount = paid.this_month if paid else Decimal(0)
        last_amount = paid.last_month if paid else Decimal(0)
        block.paid_this_month = Figure(
            _("Received this month"),
            _money(this_amount, currency),
            _changelist(
                "payments_payment",
                date__gte=this_month.isoformat(),
                date__lte=today.isoformat(),
                currency=currency,
            ),
            paid.this_month_count if paid else 0,
        )
        block.paid_last_month = Figure(
            _("Received last month"),
            _money(last_amount, currency),
            _changelist(
                "payments_payment",
                date__gte=last_month.isoformat(),
                date__lt=this_month.isoformat(),
                currency=currency,
            ),
            paid.last_month_count if paid else 0,
        )
        if this_amount != last_amount and (this_amount or last_amount):
            block.trend = "up" if this_amount > last_amount else "down"
        blocks.append(block)
    return blocks


def dashboard_for(organisation: Organisation, today: datetime.date | None = None) -> Dashboard:
    """Everything on the home page, in a fixed number of queries."""
    today = today or timezone.localdate()
    return Dashboard(
        currencies=_currency_blocks(organisation, today),
        waiting=_waiting(organisation, today),
        activity=_activity(organisation),
        checklist=onboarding.checklist_for(organisation),
    )


def dashboard_callback(request: HttpRequest, context: dict[str, Any]) -> dict[str, Any]:
    """Unfold's DASHBOARD_CALLBACK: the admin index gets the staff member's organisation's
    dashboard (the admin site only lets members in, so `as_staff` never refuses here)."""
    staff = as_staff(request)
    context["dashboard"] = dashboard_for(staff.organisation)
    context["organisation"] = staff.organisation
    context["dashboard_today"] = timezone.localdate()
    return context
