"""The seeder: one organisation's customers, documents, payments, ledger and time, in bulk."""

from __future__ import annotations

import datetime
import random
import secrets
import time
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.utils import timezone

from portico.accounts.models import User
from portico.contacts.models import Contact, ContactPerson
from portico.core import money
from portico.devdata.scale.rows import (
    MODES,
    RATES,
    SERVICES,
    TASKS,
    ZERO,
    Drafts,
    Plan,
    insert,
    organisation_get_or_create,
    priced_lines,
    reserve_numbers,
)
from portico.devdata.scale.spec import Progress, ScaleResult, ScaleSpec, no_progress
from portico.orgs.models import Organisation, Tax
from portico.payments import ledger as payment_postings
from portico.payments.models import CustomerCredit, Payment, PaymentAllocation
from portico.projects.models import Project, TimeEntry, TimesheetApproval
from portico.sales import counts as kept_counts
from portico.sales import ledger
from portico.sales.models import Estimate, EstimateLine, Invoice, InvoiceLine, LedgerEntry


class Seeder:
    def __init__(self, spec: ScaleSpec, progress: Progress = no_progress) -> None:
        self.spec = spec
        self.rng = random.Random(spec.seed)  # noqa: S311 — reproducible data, not secrets
        self.progress = progress
        self.today = timezone.localdate()
        self.start = self.today - datetime.timedelta(days=365 * spec.years)
        self.counts: dict[str, int] = {}

    def _day(self, earliest: datetime.date | None = None) -> datetime.date:
        first = earliest or self.start
        span = max((self.today - first).days, 0)
        return first + datetime.timedelta(days=self.rng.randint(0, span))

    def _at(self, day: datetime.date) -> datetime.datetime:
        moment = datetime.datetime.combine(day, datetime.time(10, 0))
        return timezone.make_aware(moment) if timezone.is_naive(moment) else moment

    def totals(self) -> dict[str, int]:
        return {
            "customers": self.spec.customers,
            "invoices": self.spec.big_invoices
            + (self.spec.customers - 1) * self.spec.invoices_per_customer,
            "payments": self.spec.big_payments
            + (self.spec.customers - 1) * self.spec.payments_per_customer,
            "estimates": self.spec.big_estimates
            + (self.spec.customers - 1) * self.spec.estimates_per_customer,
            "time entries": self.spec.big_time_entries + self.spec.small_time_entries,
        }

    # --- customers ---------------------------------------------------------------------------

    def customers(self, organisation: Organisation, token: str) -> list[Contact]:
        rows = []
        for index in range(self.spec.customers):
            name = (
                "Bigcorp Holdings (big customer)"
                if index == 0
                else f"Customer {index:05d} {self.rng.choice(('Ltd', 'GmbH', 'LLC', 'SARL'))}"
            )
            rows.append(
                Contact(
                    organisation=organisation,
                    display_name=name,
                    company_name=name,
                    email=f"billing{index}.{token}@customers.example",
                    currency=self.spec.currency,
                    payment_terms_days=self.rng.choice((14, 30, 30, 45)),
                    billing_street=f"{index + 1} Market Street",
                    billing_city="Springfield",
                    billing_postal_code=f"{10000 + index}",
                    billing_country="US",
                )
            )
        return insert(Contact, rows, "customers", self.progress)

    def persons(
        self, organisation: Organisation, contacts: list[Contact], token: str
    ) -> tuple[str, str]:
        """One primary person per customer (three for the big one); the big and the small
        reference customers' primary persons get an active portal login."""
        password_hash = make_password(self.spec.password or secrets.token_urlsafe(16))
        emails = {0: f"big.{token}@customers.example", 1: f"small.{token}@customers.example"}
        users = {
            index: User(email=email, password=password_hash) for index, email in emails.items()
        }
        User.objects.bulk_create(list(users.values()))
        rows = []
        for index, contact in enumerate(contacts):
            extra = 3 if index == 0 else 1
            for number in range(extra):
                primary = number == 0
                user = users.get(index) if primary else None
                rows.append(
                    ContactPerson(
                        organisation=organisation,
                        contact=contact,
                        first_name=self.rng.choice(("Ada", "Grace", "Alan", "Edsger", "Barbara")),
                        last_name=f"Person{index}-{number}",
                        email=(
                            emails[index]
                            if user is not None
                            else f"p{index}-{number}.{token}@customers.example"
                        ),
                        is_primary=primary,
                        user=user,
                        portal_status=(
                            ContactPerson.PortalStatus.ACTIVE
                            if user is not None
                            else ContactPerson.PortalStatus.NOT_ENABLED
                        ),
                    )
                )
        insert(ContactPerson, rows, "persons", self.progress)
        self.counts["contact persons"] = len(rows)
        return emails[0], emails[1]

    # --- invoices, payments, ledger ------------------------------------------------------------

    def _documents(
        self,
        organisation: Organisation,
        kind: str,
        model: type[models.Model],
        line_model: type[models.Model],
        drafts: Drafts,
    ) -> None:
        """Number the documents in issue-date order (as they were taken over the years), then
        insert them and their lines."""
        drafts.sort(key=lambda pair: (pair[0].issue_date, pair[0].contact_id))
        numbers = reserve_numbers(organisation=organisation, kind=kind, count=len(drafts))
        for (document, _), number in zip(drafts, numbers, strict=True):
            document.number = number
        documents = [document for document, _ in drafts]
        insert(model, documents, f"{kind}s", self.progress)
        lines = [line_model(document=d, **spec) for d, specs in drafts for spec in specs]
        insert(line_model, lines, f"{kind} lines", self.progress)
        self.counts[f"{kind}s"] = len(drafts)
        self.counts[f"{kind} lines"] = len(lines)

    def invoices(self, organisation: Organisation, plans: list[Plan], tax: Tax) -> Drafts:
        """Invoices with their lines and a status by age, not inserted yet: the payments
        settle some of them first (one insert per row, no updates afterwards)."""
        drafts: Drafts = []
        for plan in plans:
            days = sorted(self._day() for _ in range(plan.invoices))
            # Only the newest `open_history` invoices are still in play; older ones were settled
            # long ago. A longer history adds settled invoices, not open ones (issue 18: pages
            # must stay flat in history, and open items are what they read).
            in_play = min(plan.invoices, self.spec.open_history)
            recent = -(-in_play * 60 // max((self.today - self.start).days, 1))
            for position, day in enumerate(days):
                specs, totals = priced_lines(self.rng, self.spec.currency, tax)
                rank = plan.invoices - 1 - position  # 0: the newest
                young = rank < recent and (self.today - day).days <= 60
                roll = self.rng.random()
                if rank < max(1, in_play // 50) and roll < 0.3:
                    status = Invoice.Status.DRAFT
                elif roll < 0.01:
                    status = Invoice.Status.VOID
                elif rank >= in_play or (not young and roll < 0.9):
                    status = Invoice.Status.PAID
                elif roll < 0.15:
                    status = Invoice.Status.PARTIALLY_PAID
                else:
                    status = self.rng.choice((Invoice.Status.SENT, Invoice.Status.VIEWED))
                invoice = Invoice(
                    organisation=organisation,
                    contact=plan.contact,
                    kind=Invoice.Kind.REGULAR,
                    currency=self.spec.currency,
                    issue_date=day,
                    due_date=day + datetime.timedelta(days=plan.contact.payment_terms_days),
                    status=status,
                    discount=totals.discount,
                    subtotal=totals.subtotal,
                    tax_total=totals.tax_total,
                    total=totals.total,
                    balance_due=ZERO if status == Invoice.Status.VOID else totals.total,
                    sent_at=None if status == Invoice.Status.DRAFT else self._at(day),
                    first_viewed_at=(
                        self._at(day)
                        if status not in (Invoice.Status.DRAFT, Invoice.Status.SENT)
                        else None
                    ),
                    reference=f"PO-{self.rng.randint(1000, 99999)}",
                )
                drafts.append((invoice, specs))
        return drafts

    def payments(self, organisation: Organisation, plans: list[Plan], drafts: Drafts) -> None:
        """Payments settle the paid invoices (and part of the partially paid ones); one in 40
        is money on account, left as unused credit. Then the ledger, in date order."""
        invoices: dict[int, list[Invoice]] = {}
        for invoice, _ in drafts:
            invoices.setdefault(invoice.contact_id, []).append(invoice)
        payments: list[Payment] = []
        allocations: list[tuple[Payment, Invoice, Decimal]] = []
        excess: dict[int, Decimal] = {}
        for plan in plans:
            owned = invoices.get(plan.contact.pk, [])
            paid = [i for i in owned if i.status == Invoice.Status.PAID]
            partial = [i for i in owned if i.status == Invoice.Status.PARTIALLY_PAID]
            if plan.payments == 0:
                for invoice in paid + partial:  # nothing pays them: they stay open
                    invoice.status = Invoice.Status.SENT
                continue
            groups: list[list[tuple[Invoice, Decimal]]] = []
            on_account = plan.payments // 40
            slots = max(plan.payments - len(partial) - on_account, 1)
            size = max(1, -(-len(paid) // slots))
            for start in range(0, len(paid), size):
                groups.append([(invoice, invoice.total) for invoice in paid[start : start + size]])
            for invoice in partial:
                share = money.quantize(invoice.total * Decimal("0.4"), self.spec.currency)
                if share <= 0 or share >= invoice.total:
                    invoice.status = Invoice.Status.SENT
                    continue
                invoice.balance_due = invoice.total - share
                groups.append([(invoice, share)])
            for paid_invoice in paid:
                paid_invoice.balance_due = ZERO
            while len(groups) < plan.payments:  # more payments than invoices: on-account money
                groups.append([])
            for group in groups[: plan.payments]:
                if group:
                    latest = max(invoice.issue_date for invoice, _ in group)
                    day = min(latest + datetime.timedelta(days=self.rng.randint(0, 40)), self.today)
                else:
                    day = self._day()
                amount = sum((part for _, part in group), ZERO)
                # Money on account becomes credit. Only payments that settle nothing carry it:
                # on SQLite the ledger's CHECK (amount = receivable − credit) compares floats.
                extra = ZERO if group else Decimal("25.00")
                payment = Payment(
                    organisation=organisation,
                    contact=plan.contact,
                    date=day,
                    amount=amount + extra,
                    currency=self.spec.currency,
                    mode=self.rng.choice(MODES),
                    reference=f"TX{self.rng.randint(100000, 999999)}",
                )
                payments.append(payment)
                if extra:
                    excess[id(payment)] = extra
                allocations.extend((payment, invoice, part) for invoice, part in group)
            # Groups beyond the payments budget were never paid: back to open.
            for group in groups[plan.payments :]:
                for invoice, _ in group:
                    invoice.status = Invoice.Status.SENT
                    invoice.balance_due = invoice.total
        self._documents(organisation, "invoice", Invoice, InvoiceLine, drafts)
        payments.sort(key=lambda p: (p.date, p.contact_id))
        numbers = reserve_numbers(organisation=organisation, kind="payment", count=len(payments))
        for payment, number in zip(payments, numbers, strict=True):
            payment.number = number
        insert(Payment, payments, "payments", self.progress)
        insert(
            PaymentAllocation,
            [PaymentAllocation(payment=p, invoice=i, amount=a) for p, i, a in allocations],
            "allocations",
            self.progress,
        )
        credits = [
            CustomerCredit(
                organisation=organisation,
                contact_id=p.contact_id,
                kind=CustomerCredit.Kind.EXCESS_PAYMENT,
                date=p.date,
                currency=p.currency,
                amount=excess[id(p)],
                remaining=excess[id(p)],
                payment=p,
            )
            for p in payments
            if id(p) in excess
        ]
        insert(CustomerCredit, credits, "credits", self.progress)
        self._ledger([i for i, _ in drafts], payments, allocations, excess)
        self.counts["payments"] = len(payments)
        self.counts["allocations"] = len(allocations)
        self.counts["credits"] = len(credits)

    def _ledger(
        self,
        invoices: list[Invoice],
        payments: list[Payment],
        allocations: list[tuple[Payment, Invoice, Decimal]],
        excess: dict[int, Decimal],
    ) -> None:
        settled: dict[int, Decimal] = {}
        for payment, _, part in allocations:
            settled[id(payment)] = settled.get(id(payment), ZERO) + part
        # (date, order within the day, posting): built by the ledger's own builders.
        postings: list[tuple[datetime.date, int, LedgerEntry]] = []
        for invoice in invoices:
            if invoice.status == Invoice.Status.DRAFT:
                continue
            postings.append((invoice.issue_date, 0, ledger.invoice_issued(invoice)))
            if invoice.status == Invoice.Status.VOID:
                voided = min(invoice.issue_date + datetime.timedelta(days=3), self.today)
                postings.append((voided, 1, ledger.invoice_voided(invoice, date=voided)))
        for payment in payments:
            posting = payment_postings.payment_received(
                payment,
                settled=settled.get(id(payment), ZERO),
                credit=excess.get(id(payment), ZERO),
            )
            postings.append((payment.date, 2, posting))
        postings.sort(key=lambda row: (row[0], row[1]))
        insert(LedgerEntry, [entry for _, _, entry in postings], "ledger", self.progress)
        self.counts["ledger entries"] = len(postings)
        # Bulk postings bypass `ledger.record`: the customers' accounts are added up once.
        contacts = {invoice.contact_id for invoice in invoices} | {p.contact_id for p in payments}
        self.counts["customer accounts"] = ledger.accounts_load(
            contacts=Contact.objects.filter(pk__in=contacts)
        )

    # --- estimates, projects --------------------------------------------------------------------

    def estimates(self, organisation: Organisation, plans: list[Plan], tax: Tax) -> None:
        statuses = [s for s in Estimate.Status.values if s != Estimate.Status.INVOICED]
        drafts: list[tuple[Estimate, list[dict[str, Any]]]] = []
        for plan in plans:
            for index in range(plan.estimates):
                day = self._day()
                specs, totals = priced_lines(self.rng, self.spec.currency, tax)
                status = self.rng.choice(statuses)
                if index == 0 and status == Estimate.Status.DRAFT:
                    status = Estimate.Status.SENT  # every customer has one to look at
                estimate = Estimate(
                    organisation=organisation,
                    contact=plan.contact,
                    currency=self.spec.currency,
                    issue_date=day,
                    expiry_date=day + datetime.timedelta(days=30),
                    status=status,
                    subtotal=totals.subtotal,
                    tax_total=totals.tax_total,
                    total=totals.total,
                    accepted_at=self._at(day) if status == Estimate.Status.ACCEPTED else None,
                    signed_name="A. Buyer" if status == Estimate.Status.ACCEPTED else "",
                    declined_at=self._at(day) if status == Estimate.Status.DECLINED else None,
                    decline_reason="Over budget" if status == Estimate.Status.DECLINED else "",
                )
                drafts.append((estimate, specs))
        self._documents(organisation, "estimate", Estimate, EstimateLine, drafts)

    def projects(self, organisation: Organisation, plans: list[Plan]) -> None:
        """Projects with time entries; entries go to the customer in monthly approvals
        (older months decided, the latest month pending)."""
        project_rows: list[tuple[Project, int]] = []
        for plan in plans:
            for number in range(plan.projects):
                share = plan.time_entries // plan.projects + (
                    1 if number < plan.time_entries % plan.projects else 0
                )
                project = Project(
                    organisation=organisation,
                    contact=plan.contact,
                    name=f"Project {number + 1:02d}: {self.rng.choice(SERVICES)}",
                    rate=self.rng.choice(RATES),
                    budget_hours=Decimal(self.rng.randint(100, 2000)),
                )
                project_rows.append((project, share))
        insert(Project, [p for p, _ in project_rows], "projects", self.progress)
        entries: list[TimeEntry] = []
        months: dict[tuple[int, datetime.date], list[TimeEntry]] = {}
        for project, share in project_rows:
            for _ in range(share):
                day = self._day(self.today - datetime.timedelta(days=365))
                entry = TimeEntry(
                    organisation=organisation,
                    project=project,
                    date=day,
                    hours=Decimal(self.rng.choice(("0.50", "1.00", "1.50", "2.00", "4.00"))),
                    task=self.rng.choice(TASKS),
                    notes="Work as agreed",
                    billable=self.rng.random() < 0.9,
                )
                entries.append(entry)
                months.setdefault((id(project), day.replace(day=1)), []).append(entry)
        latest = {pid: max(m for p, m in months if p == pid) for pid, _ in months}
        approvals: list[tuple[TimesheetApproval, list[TimeEntry]]] = []
        by_id = {id(p): p for p, _ in project_rows}
        for (pid, month), month_entries in sorted(months.items(), key=lambda kv: kv[0][1]):
            pending = month == latest[pid]
            status = (
                TimesheetApproval.Status.PENDING
                if pending
                else self.rng.choice(
                    (TimesheetApproval.Status.APPROVED,) * 9 + (TimesheetApproval.Status.REJECTED,)
                )
            )
            sent = self._at(min(month + datetime.timedelta(days=31), self.today))
            approval = TimesheetApproval(
                organisation=organisation,
                project=by_id[pid],
                status=status,
                reason="Hours look high" if status == TimesheetApproval.Status.REJECTED else "",
                decided_at=None if pending else sent + datetime.timedelta(days=2),
                sent_at=sent,
            )
            approvals.append((approval, month_entries))
        insert(TimesheetApproval, [a for a, _ in approvals], "approvals", self.progress)
        for approval, month_entries in approvals:
            for entry in month_entries:
                entry.approval = approval
        insert(TimeEntry, entries, "time entries", self.progress)
        through = TimesheetApproval.entries.through
        links = [
            through(timesheetapproval_id=a.pk, timeentry_id=e.pk)
            for a, month_entries in approvals
            for e in month_entries
        ]
        insert(through, links, "approval entries", self.progress)
        self.counts["projects"] = len(project_rows)
        self.counts["time entries"] = len(entries)
        self.counts["timesheet approvals"] = len(approvals)

    # --- all of it -----------------------------------------------------------------------------

    @transaction.atomic
    def run(self, *, slug: str) -> ScaleResult:
        started = time.perf_counter()
        spec = self.spec
        if spec.customers < 2:
            raise ValueError("At least two customers: the big one and the small reference.")
        organisation, tax = organisation_get_or_create(slug, spec.currency)
        token = secrets.token_hex(3)
        contacts = self.customers(organisation, token)
        big_email, small_email = self.persons(organisation, contacts, token)
        plans = [Plan(contacts[0], spec.big_invoices, spec.big_payments, spec.big_estimates)] + [
            Plan(
                contact,
                spec.invoices_per_customer,
                spec.payments_per_customer,
                spec.estimates_per_customer,
            )
            for contact in contacts[1:]
        ]
        plans[0].projects, plans[0].time_entries = spec.big_projects, spec.big_time_entries
        if spec.small_time_entries:
            plans[1].projects, plans[1].time_entries = 1, spec.small_time_entries
        self.payments(organisation, plans, self.invoices(organisation, plans, tax))
        self.estimates(organisation, plans, tax)
        self.projects(organisation, [p for p in plans if p.projects and p.time_entries])
        # Bulk inserts bypass the services: the portal lists' kept counts are counted once.
        self.counts["list counts"] = kept_counts.counts_load(
            contacts=Contact.objects.filter(organisation=organisation)
        )
        self.counts["customers"] = len(contacts)
        return ScaleResult(
            organisation=organisation,
            big_contact=contacts[0],
            small_contact=contacts[1],
            big_email=big_email,
            small_email=small_email,
            counts=dict(sorted(self.counts.items())),
            seconds=time.perf_counter() - started,
        )
