"""The portal pages the benchmark and the query-budget tests request, found by URL name.

A page whose URL name does not exist yet is skipped (and reported), so the suite grows with
the portal: the day a page is added under one of these names it is measured and budgeted.
"""

from __future__ import annotations

import datetime
import statistics
import uuid
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Page:
    label: str
    names: tuple[str, ...]
    obj: str = ""  # which of the customer's objects the URL addresses
    query: str = ""  # "year": 12 months; "quarter": 90 days; "all": 5 years (the whole history)
    fixed: tuple[tuple[str, str], ...] = ()  # URL parameters with a fixed value
    requests: int = 0  # 0: the run's default
    statuses: tuple[int, ...] = (200,)  # the answers that mean the page worked


PAGES = (
    Page("Home", ("home",)),
    Page("Invoices list", ("invoices", "invoice_list")),
    Page("Invoice detail", ("invoice", "invoice_detail"), obj="invoice"),
    Page("Estimates list", ("estimates", "estimate_list")),
    Page("Estimate detail", ("estimate", "estimate_detail"), obj="estimate"),
    Page("Payments list", ("payments", "payment_list")),
    Page("Payment detail", ("payment", "payment_detail"), obj="payment"),
    Page("Statement, last 12 months", ("statement",), query="year"),
    Page("Statement, whole history", ("statement",), query="all"),
    # A long statement's PDF is rendered by the worker: the request answers with its page (302).
    Page(
        "Statement PDF request, last 90 days",
        ("statement_pdf",),
        query="quarter",
        statuses=(200, 302),
    ),
    Page("Timesheets list", ("timesheets", "timesheet_list")),
    Page(
        "Timesheet approval detail",
        ("timesheet", "timesheet_detail", "approval", "approval_detail"),
        obj="approval",
    ),
    Page("Account", ("account",)),
)
HOME, INVOICES, INVOICE_DETAIL, ACCOUNT = PAGES[0], PAGES[1], PAGES[2], PAGES[-1]
INVOICE_PDF = Page(
    "Invoice PDF", ("document_pdf", "invoice_pdf"), obj="invoice", fixed=(("kind", "invoice"),)
)


def portal_url_params() -> dict[str, list[str]]:
    """Portal URL names and the parameters each takes besides the organisation."""
    from django.urls import get_resolver

    found = get_resolver().namespace_dict.get("portal")
    if not found:
        return {}
    _, resolver = found
    names: dict[str, list[str]] = {}
    for key in list(resolver.reverse_dict.keys()):
        if isinstance(key, str):
            possibility = resolver.reverse_dict.getlist(key)[0][0][0]
            names[key] = [p for p in possibility[1] if p != "org_slug"]
    return names


def objects_of(contact: Any) -> dict[str, uuid.UUID | None]:
    """Public ids of the customer's newest visible invoice, estimate, payment and approval,
    of the kinds the bench's own writes never change, so that every run, and each size's
    data, shows the same kind of page: a paid invoice nobody commented on (its page also lists
    the payments applied to it; an unpaid one skips that query), an estimate awaiting an answer
    (the writes accept the estimates they make)."""
    from portico.activity.models import Comment
    from portico.payments.models import Payment
    from portico.projects.models import TimesheetApproval
    from portico.sales.models import Estimate, Invoice

    def newest(queryset: Any, *order: str) -> uuid.UUID | None:
        value: uuid.UUID | None = (
            queryset.order_by(*order).values_list("public_id", flat=True).first()
        )
        return value

    invoices = Invoice.objects.filter(contact=contact).exclude(status="draft")
    commented = Comment.objects.filter(contact=contact, invoice__isnull=False).values("invoice_id")
    estimates = Estimate.objects.filter(contact=contact).exclude(status="draft")
    return {
        "invoice": newest(
            invoices.filter(status="paid").exclude(pk__in=commented), "-issue_date", "-id"
        )
        or newest(invoices, "-issue_date", "-id"),
        "estimate": newest(estimates.filter(status__in=["sent", "viewed"]), "-issue_date", "-id")
        or newest(estimates, "-issue_date", "-id"),
        "payment": newest(Payment.objects.filter(contact=contact), "-date", "-id"),
        "approval": newest(TimesheetApproval.objects.filter(project__contact=contact), "-sent_at"),
    }


SIZES = (500, 5000, 50000)
"""The big customer's sizes the bench knows (`seed-scale --size`)."""


def size_of(invoices: int) -> int:
    """The size of SIZES a customer with this many invoices was seeded at."""
    return min(SIZES, key=lambda size: abs(size - invoices))


def primary_person(contact: Any) -> Any:
    """The customer's primary contact person with portal access (the one the bench signs in)."""
    from portico.contacts.models import ContactPerson

    return ContactPerson.objects.get(
        contact=contact, is_primary=True, portal_status=ContactPerson.PortalStatus.ACTIVE
    )


def signed_in(org_slug: str, person: Any, password: str) -> Any:
    """A test Client signed in as `person` through the portal's login page, on this one
    browser only: earlier runs' (and profilers') sessions are ended, so the account page lists
    the same sessions in every run."""
    from django.test import Client

    from portico.portal.services import portal_sessions_end_others

    portal_sessions_end_others(user=person.user, keep_session_key=None)
    client = Client()
    response = client.post(
        f"/portal/{org_slug}/login", {"email": person.email, "password": password}
    )
    if response.status_code != 302:
        raise SystemExit(f"portal login failed for {person.email}: {response.status_code}")
    return client


def period_query(kind: str, today: datetime.date, days: int | None = None) -> str:
    """A custom statement period ending today (the portal's and the PDF's parameters)."""
    days = days or {"year": 365, "quarter": 90}.get(kind, 5 * 365)  # the portal's longest
    start = today - datetime.timedelta(days=days)
    return f"period=custom&start={start.isoformat()}&end={today.isoformat()}"


def page_url(
    page: Page,
    *,
    org_slug: str,
    objects: dict[str, uuid.UUID | None],
    params: dict[str, list[str]],
    today: datetime.date,
) -> str | None:
    """The page's URL for one customer, or None when the page (or its object) does not exist."""
    from django.urls import reverse

    name = next((n for n in page.names if n in params), None)
    if name is None:
        return None
    fixed = dict(page.fixed)
    extra = [p for p in params[name] if p not in fixed]
    if bool(extra) != bool(page.obj):
        return None
    kwargs: dict[str, Any] = {"org_slug": org_slug, **fixed}
    if page.obj:
        value = objects.get(page.obj)
        if value is None or len(extra) != 1:
            return None
        kwargs[extra[0]] = value
    url = reverse(f"portal:{name}", kwargs=kwargs)
    return f"{url}?{period_query(page.query, today)}" if page.query else url


class QueryLog:
    """Every statement run on the default connection while active (an execute wrapper, so
    it survives the reconnects and query-log resets a request triggers)."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, Any]] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.statements.append((sql, params))
        return execute(sql, params, many, context)

    def __len__(self) -> int:
        return len(self.statements)

    def touched_activity(self) -> bool:
        """Whether the portal's once-a-minute activity record ran in these statements."""
        return any(
            sql.lstrip().upper().startswith(("UPDATE", "INSERT")) and "portal_portalsession" in sql
            for sql, _ in self.statements
        )


def logging_queries(log: QueryLog) -> Any:
    from django.db import connection

    return connection.execute_wrapper(log)


def summary(times: list[float]) -> dict[str, float]:
    """Median, 95th and 99th percentile (ms) of timings in seconds, and how many."""
    ordered = sorted(times)

    def at(share: float) -> float:
        return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]

    return {
        "median_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(at(0.95) * 1000, 2),
        "p99_ms": round(at(0.99) * 1000, 2),
        "n": len(ordered),
    }
