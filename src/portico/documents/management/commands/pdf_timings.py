"""Measure PDF rendering: a one-page invoice (fresh and cached) and a 20-page statement.

`portico pdf_timings` builds throwaway data inside a transaction it rolls back, so it can run
against any database. Prints median and best times in milliseconds.
"""

from __future__ import annotations

import datetime
import statistics
import time
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import transaction

from portico.contacts import services as contact_services
from portico.contacts.models import Contact
from portico.documents import pdf
from portico.orgs import services as org_services
from portico.sales import ledger
from portico.sales import services as sales
from portico.sales.models import LedgerEntry
from portico.statements import selectors as statements


def _measure(action: Callable[[], Any], runs: int) -> tuple[float, float]:
    action()  # warm-up: fonts, stylesheet, templates
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), min(times)


class Command(BaseCommand):
    help = "Measure invoice and statement PDF render times."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--runs", type=int, default=10)
        parser.add_argument("--statement-lines", type=int, default=590)

    def handle(self, *args: Any, runs: int, statement_lines: int, **options: Any) -> None:
        with transaction.atomic():
            self._run(runs, statement_lines)
            transaction.set_rollback(True)

    def _run(self, runs: int, statement_lines: int) -> None:
        slug = f"pdf-timings-{uuid.uuid4().hex[:8]}"
        organisation = org_services.organisation_create(
            name="PDF Timings Ltd", slug=slug, primary_email="timings@example.com"
        )
        contact = contact_services.contact_create(
            organisation=organisation, display_name="Timing Customer", billing_city="Bristol"
        )
        day = datetime.date(2026, 1, 15)
        line = sales.LineInput(description="Consulting", quantity=Decimal(3), rate=Decimal("120"))
        invoice = sales.invoice_send(
            invoice=sales.invoice_create(contact=contact, lines=[line] * 5, issue_date=day)
        )
        fresh = _measure(lambda: pdf.render_document_pdf(invoice), runs)
        pdf.document_pdf(invoice)
        cached = _measure(lambda: pdf.document_pdf(invoice), runs)
        default_storage.delete(pdf.cache_path(invoice, pdf.kind_of(invoice)))
        LedgerEntry.objects.bulk_create(
            LedgerEntry(
                organisation=organisation,
                contact=contact,
                date=day + datetime.timedelta(days=n % 300),
                kind=LedgerEntry.Kind.INVOICE,
                currency=contact.currency,
                receivable=Decimal("10.00"),
                credit=Decimal(0),
                amount=Decimal("10.00"),
                reference=f"INV-{n:06d}",
                description="Monthly services",
            )
            for n in range(statement_lines)
        )
        ledger.accounts_load(contacts=Contact.objects.filter(pk=contact.pk))  # bulk: no record
        statement = statements.statement_for(
            contact=contact, start=day, end=day + datetime.timedelta(days=365)
        )
        content = pdf.statement_pdf(statement, organisation)
        from io import BytesIO

        from pypdf import PdfReader

        pages = len(PdfReader(BytesIO(content)).pages)
        long = _measure(lambda: pdf.statement_pdf(statement, organisation), max(2, runs // 4))
        self.stdout.write(
            f"one-page invoice PDF, fresh:  median {fresh[0]:.0f} ms, best {fresh[1]:.0f} ms"
        )
        self.stdout.write(
            f"one-page invoice PDF, cached: median {cached[0]:.1f} ms, best {cached[1]:.1f} ms"
        )
        self.stdout.write(
            f"statement PDF, {len(statement.lines)} lines, {pages} pages: "
            f"median {long[0]:.0f} ms, best {long[1]:.0f} ms"
        )
