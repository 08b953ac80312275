"""Writes, as customers make them in the portal (issue 18, target 6), run by `bench.measure`.

- Write timings: accepting an estimate, posting a comment on an invoice and approving a
  timesheet, each a POST through the portal page (Django test Client, full middleware, CSRF
  enforced as in a browser), logged in as the big customer's person. Every timed request acts
  on a fresh object made beforehand through the services, so repeated runs find their own.
- Checkouts: `--payers` customers pay at once, each in its own thread with its own database
  connection and portal session, through the pay page and the sandbox gateway (the card is
  tokenised at the sandbox, as its hosted fields do, then the pay form is posted). Each pays
  a part of one open invoice, so the seeded data never runs out; afterwards every checkout is
  checked to be recorded exactly once.
- Bulk portal enable: `portal_access_enable_many` for new contact persons, timed.

Writes change the data: the estimates, time entries, comments, payments and persons made here
stay in the benchmark database, each run adding its own.
"""

from __future__ import annotations

import contextlib
import datetime
import html.parser
import json
import random
import re
import statistics
import threading
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bench.pages import QueryLog, logging_queries, summary

PAYERS = 50
PART = Decimal("1.00")
"""What each payer pays of their invoice: a part, so an invoice stays open for later runs."""
SEED = 18
"""The payers are the small customers in this seed's random order, skipping those with
nothing left to pay."""
GATEWAY_PUBLIC_KEY = "pk_sandbox_PorticoBench000000001"
GATEWAY_SECRET_KEY = "sk_sandbox_PorticoBench000000001"  # noqa: S105 — a sandbox test key
GATEWAY_NAME = "Sandbox (benchmark)"

WRITES = ("Accept an estimate", "Post a comment on an invoice", "Approve a timesheet")
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


WRITE_WORDS = {WRITES[0]: "accept", WRITES[1]: "comment", WRITES[2]: "approve"}
SECTION_WORDS = {
    "writes": ("write", "writes"),
    "checkouts": ("checkout", "checkouts"),
    "bulk": ("bulk", "enable"),
}


def wanted(only: list[str], *words: str) -> bool:
    """Whether a subset run (`--only`) asks for a section by one of its own words (not by a
    page's label: `--only invoice` measures the invoice pages and writes nothing); every
    section when no subset is asked for."""
    return not only or any(word in words for word in only)


def write_wanted(only: list[str], label: str) -> bool:
    return wanted(only, *SECTION_WORDS["writes"], WRITE_WORDS[label])


def csrf_of(content: bytes) -> str:
    found = CSRF_FIELD.search(content.decode())
    if found is None:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1)


def portal_login(org_slug: str, email: str, password: str) -> Any:
    """A browser-like client (CSRF enforced) logged in through the portal's login page."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    url = f"/portal/{org_slug}/login"
    token = csrf_of(client.get(url).content)
    response = client.post(
        url, {"email": email, "password": password, "csrfmiddlewaretoken": token}
    )
    if response.status_code != 302:
        raise RuntimeError(f"portal login failed for {email}: {response.status_code}")
    return client


# --- in-process write timings --------------------------------------------------------------


@dataclass
class Prepared:
    """One fresh object to act on: its detail page (opened first, untimed) and the POST."""

    page: str
    action: str
    data: dict[str, str]
    headers: dict[str, str]
    target: Any  # the object's public id


def write_timings(*, org: Any, contact: Any, password: str, n: int, only: list[str]) -> list[Any]:
    """Each write of WRITES timed `n` times on fresh objects, as the contact's primary person."""
    from django.urls import reverse
    from django.utils import timezone

    from portico.contacts.models import ContactPerson

    person = ContactPerson.objects.get(contact=contact, is_primary=True)
    client = portal_login(org.slug, person.email, password)
    today = timezone.localdate()
    rows: list[dict[str, Any]] = []
    makers = {
        WRITES[0]: _estimates_to_accept,
        WRITES[1]: _invoices_to_comment,
        WRITES[2]: _timesheets_to_approve,
    }
    for label, make in makers.items():
        if not write_wanted(only, label):
            continue
        try:
            prepared = make(org=org, contact=contact, n=n, today=today, reverse=reverse)
        except Exception as error:  # a service refused: say so in the report
            rows.append({"label": label, "error": f"preparing failed: {error!r}"[:300]})
            continue
        if not prepared:
            rows.append({"label": label, "error": "nothing to act on"})
            continue
        row = {"label": label, **_time_posts(client, prepared)}
        # The write happened: every estimate accepted, invoice commented, timesheet approved.
        row["done"] = _done(label, [item.target for item in prepared])
        row["ok"] = row["ok"] and row["done"] == len(prepared)
        rows.append(row)
        print(
            f"  write {label}: {row.get('median_ms')} ms median, {row.get('queries')} queries",
            flush=True,
        )
    return rows


def _time_posts(client: Any, prepared: list[Prepared]) -> dict[str, Any]:
    times: list[float] = []
    cpu: list[float] = []
    queries: list[int] = []
    statuses: dict[int, int] = {}
    for item in prepared:
        page = client.get(item.page)  # the person opens the page first (and it is marked seen)
        data = {**item.data, "csrfmiddlewaretoken": csrf_of(page.content)}
        captured = QueryLog()
        with logging_queries(captured):
            started, cpu_started = time.perf_counter(), time.thread_time()
            response = client.post(item.action, data, headers=item.headers)
            times.append(time.perf_counter() - started)
            cpu.append(time.thread_time() - cpu_started)
        queries.append(len(captured))
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    expected = 200 if prepared[0].headers else 302
    return {
        "ok": statuses.get(expected, 0) == len(prepared),
        "statuses": {str(k): v for k, v in statuses.items()},
        "queries": int(statistics.median(queries)),
        "queries_max": max(queries),
        "cpu_median_ms": round(statistics.median(cpu) * 1000, 2),
        **summary(times),
    }


def _done(label: str, targets: list[Any]) -> int:
    from portico.activity.models import Comment
    from portico.projects.models import TimesheetApproval
    from portico.sales.models import Estimate

    if label == WRITES[0]:
        return Estimate.objects.filter(
            public_id__in=targets, status=Estimate.Status.ACCEPTED
        ).count()
    if label == WRITES[1]:
        commented = Comment.objects.filter(invoice__public_id__in=targets)
        return commented.values("invoice_id").distinct().count()
    return TimesheetApproval.objects.filter(
        public_id__in=targets, status=TimesheetApproval.Status.APPROVED
    ).count()


def _estimates_to_accept(
    *, org: Any, contact: Any, n: int, today: datetime.date, reverse: Any
) -> list[Prepared]:
    """`n` new estimates, created and sent through the services."""
    from portico.sales import services as sales
    from portico.sales.services.common import LineInput

    prepared = []
    for index in range(n):
        estimate = sales.estimate_create(
            contact=contact,
            lines=[LineInput(f"Benchmark work {index + 1}", Decimal(1), Decimal("120.00"))],
            issue_date=today,
            expiry_date=today + datetime.timedelta(days=30),
        )
        estimate = sales.estimate_send(estimate=estimate)
        kwargs = {"org_slug": org.slug, "estimate_id": estimate.public_id}
        prepared.append(
            Prepared(
                page=reverse("portal:estimate_detail", kwargs=kwargs),
                action=reverse("portal:estimate_accept", kwargs=kwargs),
                data={"signed_name": "Bench Buyer"},
                headers={},
                target=estimate.public_id,
            )
        )
    return prepared


def _invoices_to_comment(
    *, org: Any, contact: Any, n: int, today: datetime.date, reverse: Any
) -> list[Prepared]:
    """`n` of the customer's invoices nobody has commented on yet (the newest first): the
    comment thread the page answers with holds the new comment only."""
    from portico.activity.models import Comment
    from portico.sales.models import Invoice

    commented = Comment.objects.filter(contact=contact, invoice__isnull=False).values("invoice_id")
    invoices = (
        Invoice.objects.filter(contact=contact)
        .exclude(Invoice.PORTAL_HIDDEN)
        .exclude(status=Invoice.Status.VOID)
        .exclude(pk__in=commented)
        .order_by("-issue_date", "-pk")
        .values_list("public_id", flat=True)[:n]
    )
    prepared = []
    for public_id in invoices:
        kwargs = {"org_slug": org.slug, "invoice_id": public_id}
        prepared.append(
            Prepared(
                page=reverse("portal:invoice_detail", kwargs=kwargs),
                action=reverse("portal:invoice_comment", kwargs=kwargs),
                data={"body": "Could you add the purchase order number? Thank you."},
                # The page's form posts with htmx and swaps in the thread it gets back.
                headers={"HX-Request": "true", "HX-Target": "comments"},
                target=public_id,
            )
        )
    return prepared


def _timesheets_to_approve(
    *, org: Any, contact: Any, n: int, today: datetime.date, reverse: Any
) -> list[Prepared]:
    """`n` new timesheet approvals of one time entry each, logged and sent for approval
    through the services on one of the customer's projects."""
    from portico.projects import services as projects
    from portico.projects.models import Project

    project = (
        Project.objects.filter(contact=contact, show_in_portal=True, status=Project.Status.ACTIVE)
        .order_by("pk")
        .first()
    )
    if project is None:
        return []
    prepared = []
    for index in range(n):
        entry = projects.time_entry_log(
            organisation=org,
            project=project,
            date=today,
            hours=Decimal("0.50"),
            task=f"Benchmark review {index + 1}",
        )
        approval = projects.timesheet_send_for_approval(project=project, entries=[entry])
        kwargs = {"org_slug": org.slug, "approval_id": approval.public_id}
        prepared.append(
            Prepared(
                page=reverse("portal:timesheet_detail", kwargs=kwargs),
                action=reverse("portal:timesheet_approve", kwargs=kwargs),
                data={},
                headers={},
                target=approval.public_id,
            )
        )
    return prepared


# --- checkouts -----------------------------------------------------------------------------


def gateway_account(org: Any, *, active: bool) -> Any:
    """The benchmark's sandbox account (made on first use, with fixed keys), turned on or off.

    The seeded data has no gateway: it is on only while the checkouts run, so the page figures
    stay comparable with those of runs before it existed."""
    from portico.orgs.models import GatewayAccount
    from portico.payments.gateways.sandbox import processor

    account = GatewayAccount.objects.filter(
        organisation=org, kind="sandbox", publishable_key=GATEWAY_PUBLIC_KEY
    ).first()
    if account is None:
        if not active:
            return None
        keys = processor.account_open(public_key=GATEWAY_PUBLIC_KEY, secret_key=GATEWAY_SECRET_KEY)
        account = GatewayAccount.objects.create(
            organisation=org,
            kind="sandbox",
            display_name=GATEWAY_NAME,
            publishable_key=keys["public_key"],
            secret_key=keys["secret_key"],
            webhook_secret=keys["webhook_secret"],
            currencies="USD,EUR,GBP,CAD",
            minimum_amount=Decimal("0.50"),
        )
    if account.is_active != active:
        GatewayAccount.objects.filter(pk=account.pk).update(is_active=active)
        account.is_active = active
    return account


@dataclass
class Payer:
    contact_id: int
    name: str
    email: str
    invoice: str  # public id
    number: str


def payers_choose(org: Any, *, count: int, exclude: list[int]) -> list[Payer]:
    """`count` small customers, in a fixed random order, each with an open invoice that can
    be paid in part (more than PART due, no payment in progress on it), and their primary
    person given a portal login when they have none."""
    from portico.contacts.models import Contact, ContactPerson
    from portico.payments.models import Checkout
    from portico.sales.models import Invoice

    contacts = list(
        Contact.objects.filter(organisation=org, is_deleted=False)
        .exclude(pk__in=exclude)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    random.Random(SEED).shuffle(contacts)
    busy = Checkout.objects.filter(state__in=Checkout.OPEN_STATES).values("items__invoice_id")
    chosen: dict[int, Any] = {}
    for start in range(0, len(contacts), 4 * count):
        batch = contacts[start : start + 4 * count]
        rows = (
            Invoice.objects.filter(
                contact_id__in=batch,
                kind=Invoice.Kind.REGULAR,
                status__in=Invoice.PAYABLE_STATUSES,
                allow_partial_payment=True,
                balance_due__gt=PART,
                contact__currency="USD",
            )
            .exclude(pk__in=busy)
            .order_by("due_date", "pk")
            .values_list("contact_id", "public_id", "number")
        )
        first: dict[int, Any] = {}
        for row in rows:
            first.setdefault(row[0], row)
        for pk in batch:
            if pk in first and len(chosen) < count:
                chosen[pk] = first[pk]
        if len(chosen) >= count:
            break
    persons = {
        p.contact_id: p
        for p in ContactPerson.objects.filter(contact_id__in=chosen, is_primary=True)
        .select_related("contact")
        .order_by("pk")
    }
    _give_logins([persons[pk] for pk in chosen if pk in persons])
    return [
        Payer(
            contact_id=pk,
            name=persons[pk].contact.display_name,
            email=persons[pk].email,
            invoice=str(public_id),
            number=number,
        )
        for pk, (_, public_id, number) in chosen.items()
        if pk in persons
    ]


def _give_logins(persons: list[Any]) -> None:
    """A portal login for each person without one (the benchmark logs them in without a
    password; the seed gives one to the reference customers' persons only)."""
    from django.contrib.auth.hashers import make_password

    from portico.accounts.models import User
    from portico.contacts.models import ContactPerson

    for person in persons:
        if person.user_id is not None and person.portal_status == ContactPerson.PortalStatus.ACTIVE:
            continue
        user = User.objects.filter(email=person.email).first()
        if user is None:
            user = User.objects.create(email=person.email, password=make_password(None))
        person.user = user
        person.portal_status = ContactPerson.PortalStatus.ACTIVE
        person.save(update_fields=["user", "portal_status"])


def card_number(rng: random.Random) -> str:
    """A new valid Visa number (Luhn), so no two checkouts share a card (the sandbox declines
    the same card and amount twice within minutes as a duplicate)."""
    from portico.payments.gateways.sandbox.cards import CARD_SCENARIOS

    while True:
        body = "4" + "".join(str(rng.randrange(10)) for _ in range(14))
        total = 0
        for index, char in enumerate(reversed(body)):
            digit = int(char)
            if index % 2 == 0:  # doubled: every second digit from the check digit's left
                digit *= 2
                if digit > 9:
                    digit -= 9
            total += digit
        number = body + str((10 - total % 10) % 10)
        if number not in CARD_SCENARIOS:
            return number


class _PayForm(html.parser.HTMLParser):
    """The pay form's fields as the browser would post them (hidden fields, ticked invoices)."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.fields: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = found.get("id") == "pay-form"
        elif tag == "input" and self.inside and found.get("name"):
            kind = found.get("type", "text")
            if kind == "hidden" or (kind == "checkbox" and "checked" in found):
                self.fields.append((found["name"], found.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False


def pay_form_fields(content: bytes) -> dict[str, list[str]]:
    parser = _PayForm()
    parser.feed(content.decode())
    fields: dict[str, list[str]] = {}
    for name, value in parser.fields:
        fields.setdefault(name, []).append(value)
    return fields


def checkouts(*, org: Any, payers: int, exclude: list[int]) -> dict[str, Any]:
    """`payers` customers pay at once through the portal (see the module's docstring)."""
    from django.db import connection

    account = gateway_account(org, active=True)
    try:
        chosen = payers_choose(org, count=payers, exclude=exclude)
        if not chosen:
            return {"error": "no small customer has an open invoice left to pay in part"}
        result = _pay_at_once(org, chosen)
    finally:
        gateway_account(org, active=False)
    result["database"] = connection.vendor
    result["gateway"] = account.display_name
    result["verified"] = verify(org, result.pop("made"), chosen)
    print(
        f"  checkouts: {result.get('per_second')}/s, {result.get('succeeded')} of "
        f"{result.get('payers')}, exactly once {result['verified'].get('ok')}",
        flush=True,
    )
    return result


def _pay_at_once(org: Any, chosen: list[Payer]) -> dict[str, Any]:
    from django.db import connections
    from django.test import Client
    from django.urls import reverse

    from portico.accounts import sessions
    from portico.accounts.models import User

    pay_url = reverse("portal:checkout", kwargs={"org_slug": org.slug})
    tokens_url = reverse("sandbox:tokens")
    start = threading.Barrier(len(chosen) + 1, timeout=300)
    users = {u.email: u for u in User.objects.filter(email__in=[payer.email for payer in chosen])}
    rng = random.SystemRandom()
    outcomes: list[dict[str, Any]] = [{} for _ in chosen]

    def pay(index: int, payer: Payer) -> None:
        outcome = outcomes[index]
        try:
            client = Client(enforce_csrf_checks=True)
            # Logged in as the test client does it (no password hash: that is not what is
            # measured); the portal starts its session record on the first page.
            client.force_login(users[payer.email], backend=sessions.BACKEND)
            page = client.get(pay_url, {"invoice": payer.invoice})
            fields = pay_form_fields(page.content)
            if fields.get("invoice") != [payer.invoice]:
                raise RuntimeError(f"the pay page did not choose {payer.number}")
            fields.update(method=["card"], amount=[str(PART)])
            card = {
                "account": GATEWAY_PUBLIC_KEY,
                "name": payer.name,
                "number": card_number(rng),
                "exp_month": "12",
                "exp_year": str(datetime.date.today().year + 3),
                "cvc": "123",
                # The account checks the billing address, as the hosted fields collect it.
                "address_line1": "1 Market Street",
                "address_city": "Springfield",
                "address_zip": "10001",
                "address_country": "US",
            }
            iframe = Client()  # the gateway's hosted fields: no cookies of the portal's
            # A test client builds its middleware on its first request (WhiteNoise alone reads
            # every static file's headers: a quarter of a second), which a server does once
            # per process: not part of a checkout.
            iframe.get("/healthz")
            start.wait()
            started = time.perf_counter()
            answer = iframe.post(tokens_url, json.dumps(card), content_type="application/json")
            if answer.status_code != 201:
                raise RuntimeError(
                    f"tokens answered {answer.status_code}: {answer.content[:200]!r}"
                )
            fields["token"] = [answer.json()["token"]]
            response = client.post(pay_url, fields)
            outcome["seconds"] = time.perf_counter() - started
            outcome["ended"] = time.perf_counter()
            outcome["status"] = response.status_code
            location = response.headers.get("Location", "")
            if response.status_code == 302 and "/checkouts/" in location:
                outcome["checkout"] = location.rstrip("/").rsplit("/", 1)[-1]
            else:
                outcome["error"] = f"the pay form answered {response.status_code}"
        except threading.BrokenBarrierError:
            outcome.setdefault("error", "another payer failed before the start")
        except Exception as error:
            outcome["error"] = repr(error)[:300]
            start.abort()
        finally:
            connections.close_all()  # this thread's own connection

    threads = [
        threading.Thread(target=pay, args=(index, payer), name=f"payer-{index}")
        for index, payer in enumerate(chosen)
    ]
    prepared = time.perf_counter()
    for thread in threads:
        thread.start()
    with contextlib.suppress(threading.BrokenBarrierError):  # a payer failed: told below
        start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    done = [o for o in outcomes if "checkout" in o]
    errors = sorted({o["error"] for o in outcomes if "error" in o})
    wall = max((o["ended"] for o in done), default=began) - began
    return {
        "payers": len(chosen),
        "succeeded": len(done),
        "failed": len(chosen) - len(done),
        "errors": errors[:5],
        "seconds": round(wall, 2),
        "setup_seconds": round(began - prepared, 1),
        "per_second": round(len(done) / wall, 1) if wall > 0 else None,
        **({"latency": summary([o["seconds"] for o in done])} if done else {}),
        "part": str(PART),
        "paid_total": str(PART * len(done)),
        "invoices": [p.number for p, o in zip(chosen, outcomes, strict=True) if "checkout" in o],
        "made": [o["checkout"] for o in done],
    }


def verify(org: Any, made: list[str], chosen: list[Payer]) -> dict[str, Any]:
    """Every checkout recorded exactly once: succeeded with one payment of its amount, one
    succeeded charge at the sandbox, and the payers' ledgers and accounts, and the online
    payments against the gateway's charges, in agreement."""
    from django.utils import timezone

    from portico.contacts.models import Contact
    from portico.core import money
    from portico.payments import ledger
    from portico.payments.gateways.sandbox.models import Charge
    from portico.payments.models import Checkout, Payment

    found = list(
        Checkout.objects.filter(organisation=org, public_id__in=made).select_related("payment")
    )
    problems: list[str] = []
    if len(found) != len(made):
        problems.append(f"{len(made) - len(found)} checkouts not found")
    for checkout in found:
        payment = checkout.payment
        if checkout.state != Checkout.State.SUCCEEDED or payment is None:
            problems.append(f"checkout {checkout.public_id} {checkout.state}")
            continue
        payments = Payment.objects.filter(
            organisation=org, gateway_transaction_id=checkout.gateway_transaction_id
        ).count()
        charges = Charge.objects.filter(
            charge_id=checkout.gateway_transaction_id, status="succeeded"
        ).count()
        if payments != 1 or charges != 1 or payment.amount != checkout.amount:
            problems.append(
                f"checkout {checkout.public_id}: {payments} payments, {charges} charges, "
                f"paid {payment.amount} of {checkout.amount}"
            )
    contacts = Contact.objects.filter(pk__in=[p.contact_id for p in chosen])
    out_of_balance = 0
    for contact in contacts:
        for mismatch in ledger.check(contact=contact):
            # SQLite sums decimals as floats: only a difference in cents counts.
            if money.quantize(mismatch.ledger.net, "USD") != money.quantize(
                mismatch.documents.net, "USD"
            ) or money.quantize(mismatch.ledger.credit, "USD") != money.quantize(
                mismatch.documents.credit, "USD"
            ):
                out_of_balance += 1
        out_of_balance += len(ledger.accounts_check(contact=contact))
    if out_of_balance:
        problems.append(f"{out_of_balance} ledger or account differences among the payers")
    differences = ledger.gateway_check(organisation=org, since=timezone.localdate())
    if differences:
        problems.append(f"{len(differences)} differences with the gateway's charges")
    return {
        "ok": not problems and len(found) == len(chosen),
        "checkouts": len(found),
        "problems": problems[:10],
        "payers_checked": len(chosen),
    }


# --- bulk portal enable --------------------------------------------------------------------


def bulk_enable(*, org: Any, count: int, exclude: list[int]) -> dict[str, Any]:
    """Portal enable for `count` new contact persons in one call, invitations queued."""
    from django.db import connection

    from portico.activity import invitations
    from portico.contacts.models import Contact, ContactPerson

    contacts = list(Contact.objects.filter(organisation=org).exclude(pk__in=exclude).order_by("pk"))
    domain = f"@bulk-{int(time.time())}.example"  # a new set of persons on every run
    rows = [
        ContactPerson(
            organisation=org,
            contact=contacts[index % len(contacts)],
            first_name="Bulk",
            last_name=str(index),
            email=f"bulk{index}{domain}",
        )
        for index in range(count)
    ]
    ContactPerson.objects.bulk_create(rows, batch_size=1000)
    persons = ContactPerson.objects.filter(organisation=org, email__endswith=domain)
    tasks_before = _queued_tasks()
    started = time.perf_counter()
    report = invitations.portal_access_enable_many(persons=persons)
    elapsed = time.perf_counter() - started
    result = {
        "persons": count,
        "enabled": len(report.enabled),
        "skipped": len(report.skipped),
        "seconds": round(elapsed, 2),
        "tasks_queued": _queued_tasks() - tasks_before,
        "database": connection.vendor,
    }
    print(f"  bulk enable: {result}", flush=True)
    return result


def _queued_tasks() -> int:
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:
        return -1
    return int(DBTaskResult.objects.count())
