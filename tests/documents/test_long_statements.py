"""A 10,000-line statement: the print view refuses at once with a clear error, the portal's PDF
is prepared in the background (and one beyond that cap is refused as clearly)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from portico.contacts.models import Contact
from portico.documents import pdf, rendering, statement_pdfs
from portico.documents.models import StatementPdf
from portico.orgs.models import Organisation
from portico.sales import ledger
from portico.sales.models import LedgerEntry
from portico.statements import selectors as statements
from tests.documents.conftest import D

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_customer(customer_a: Contact) -> Contact:
    # Postings written in bulk: the services would take minutes to build this history.
    LedgerEntry.objects.bulk_create(
        LedgerEntry(
            organisation_id=customer_a.organisation_id,
            contact=customer_a,
            date=D(2026, 1 + n % 12, 1 + n % 28),
            kind=LedgerEntry.Kind.INVOICE,
            currency=customer_a.currency,
            receivable=Decimal("1.00"),
            credit=Decimal(0),
            amount=Decimal("1.00"),
            reference=f"INV-{n:06d}",
        )
        for n in range(10_000)
    )
    ledger.accounts_load(contacts=Contact.objects.filter(pk=customer_a.pk))
    return customer_a


def test_the_pdf_of_a_10000_line_statement_fails_fast_and_clearly(
    busy_customer: Contact, org: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    statement = statements.statement_for(
        contact=busy_customer, start=D(2026, 1, 1), end=D(2026, 12, 31)
    )
    assert len(statement.lines) == 10_000

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("refused before any rendering")

    monkeypatch.setattr(rendering, "render_html", never)
    monkeypatch.setattr(rendering, "HTML", never)
    with pytest.raises(rendering.RenderError) as refused:
        pdf.statement_pdf(statement, org)
    assert refused.value.code == "document_too_long"
    assert "shorter period" in refused.value.message


def test_the_portal_prepares_a_10000_line_statement_pdf_in_the_background(
    busy_customer: Contact, org: Organisation, portal_client: Client
) -> None:
    response = portal_client.get(
        reverse("portal:statement_pdf", kwargs={"org_slug": org.slug})
        + "?start=2026-01-01&end=2026-12-31"
    )
    job = StatementPdf.objects.get(contact=busy_customer)
    assert job.lines == 10_000 and job.status == StatementPdf.Status.PREPARING
    assert response.status_code == 302
    assert response["Location"].endswith(f"/statement/pdf/{job.public_id}")


def test_the_portal_answers_a_statement_pdf_beyond_the_cap_with_a_clear_page(
    busy_customer: Contact,
    org: Organisation,
    portal_client: Client,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(statement_pdfs, "MAX_LINES", 9_999)
    response = portal_client.get(
        reverse("portal:statement_pdf", kwargs={"org_slug": org.slug})
        + "?start=2026-01-01&end=2026-12-31"
    )
    assert response.status_code == 422
    assert "shorter period" in response.content.decode()


def test_the_print_view_of_a_10000_line_statement_is_refused_as_clearly(
    busy_customer: Contact, org: Organisation, portal_client: Client
) -> None:
    response = portal_client.get(
        reverse("portal:statement_print", kwargs={"org_slug": org.slug})
        + "?start=2026-01-01&end=2026-12-31"
    )
    assert response.status_code == 422 and "shorter period" in response.content.decode()
    assert len(response.content) < 100_000  # the refusal, not 10,000 rendered lines


def test_a_statement_at_the_cap_prints(
    busy_customer: Contact, org: Organisation, portal_client: Client
) -> None:
    # ten days of January hold fewer lines than the cap
    statement = statements.statement_for(
        contact=busy_customer, start=D(2026, 1, 1), end=D(2026, 1, 10)
    )
    assert 0 < len(statement.lines) <= rendering.MAX_ROWS
    response = portal_client.get(
        reverse("portal:statement_print", kwargs={"org_slug": org.slug})
        + "?start=2026-01-01&end=2026-01-10"
    )
    assert response.status_code == 200
    assert statement.lines[-1].reference in response.content.decode()
