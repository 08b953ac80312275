"""Documents of every kind for customer A, a logged-in portal client, PDF text helpers, and
the statement PDF fixtures (a two-line February, renders counted, every statement long)."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from pypdf import PdfReader

from portico.activity import invitations
from portico.contacts.models import Contact, ContactPerson
from portico.documents import pdf, statement_pdfs
from portico.payments import services as payments
from portico.sales import services as sales
from tests.sales import factories as make

D = datetime.date


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


@pytest.fixture
def documents(customer_a: Contact) -> dict[str, Any]:
    """One of each kind, issued, with a payment and a credit note applied to the invoice."""
    customer_a.billing_street = "1 Harbour Road"
    customer_a.billing_city = "Bristol"
    customer_a.save()
    invoice = make.invoice(customer_a, "1200.00", notes="Thank you for your business.")
    retainer = make.invoice(customer_a, "300.00", kind="retainer")
    estimate = sales.estimate_send(estimate=make.estimate(customer_a, "450.00"))
    order = sales.sales_order_confirm(sales_order=make.sales_order(customer_a, "800.00"))
    payment = payments.payment_record(
        contact=customer_a,
        amount=Decimal("500.00"),
        date=D(2026, 2, 1),
        mode="bank_transfer",
        reference="WIRE-77",
        allocations=[(invoice, Decimal("500.00"))],
    )
    note = make.credit_note(customer_a, "100.00")
    credit = note.credit  # type: ignore[attr-defined]
    payments.credit_apply(
        credit=credit, invoice=invoice, amount=Decimal("100.00"), date=D(2026, 2, 2)
    )
    invoice.refresh_from_db()
    note.refresh_from_db()
    return {
        "invoice": invoice,
        "retainer-invoice": retainer,
        "estimate": estimate,
        "sales-order": order,
        "credit-note": note,
        "payment": payment,
    }


@pytest.fixture
def portal_person(customer_a_person: ContactPerson, password: str) -> ContactPerson:
    return invitations.portal_access_enable(person=customer_a_person, password=password)


@pytest.fixture
def portal_client(portal_person: ContactPerson, password: str) -> Client:
    client = Client()
    response = client.post(
        f"/portal/{portal_person.organisation.slug}/login",
        {"email": portal_person.email, "password": password},
    )
    assert response.status_code == 302, response.content[:500]
    return client


@pytest.fixture
def february(customer_a: Contact) -> Contact:
    """Customer A with a two-line statement for February 2026."""
    make.invoice(customer_a, "200.00", issue_date=D(2026, 2, 3))
    make.invoice(customer_a, "80.00", issue_date=D(2026, 2, 10))
    return customer_a


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every statement render, counted (and still done)."""
    done: list[Any] = []
    real = pdf.statement_pdf

    def counted(statement: Any, *args: Any, **kwargs: Any) -> bytes:
        done.append(statement)
        return real(statement, *args, **kwargs)

    monkeypatch.setattr(pdf, "statement_pdf", counted)
    return done


@pytest.fixture
def long_statements(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every statement counts as long: rendered by the worker, never by the request."""
    monkeypatch.setattr(statement_pdfs, "INLINE_LINES", 0)
