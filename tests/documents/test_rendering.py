"""PDFs of every kind show what the customer needs, and user text can never fetch anything."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from portico.contacts.models import Contact
from portico.documents import context, pdf, rendering
from portico.documents.kinds import KINDS
from portico.orgs.models import Organisation
from portico.statements import selectors as statements
from tests.documents.conftest import D, pdf_text
from tests.sales import factories as make

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "shows"),
    [
        ("invoice", ["Invoice", "$1,200.00", "Balance due", "$600.00", "Payment"]),
        ("retainer-invoice", ["Retainer invoice", "$300.00", "Balance due"]),
        ("estimate", ["Estimate", "$450.00", "Total"]),
        ("sales-order", ["Sales order", "$800.00", "CONFIRMED"]),
        ("credit-note", ["Credit note", "$100.00", "Credit remaining", "$0.00"]),
        ("payment", ["Payment receipt", "$500.00", "Amount received"]),
    ],
)
def test_each_kind_shows_number_customer_totals_and_balance(
    documents: dict[str, Any], kind: str, shows: list[str]
) -> None:
    document = documents[kind]
    text = pdf_text(pdf.render_document_pdf(document, KINDS[kind]))
    assert document.number in text
    assert "Customer A" in text and "Studio A" in text
    for fragment in shows:
        assert fragment in text, (fragment, text)


def test_an_invoice_lists_payments_and_credits_applied(documents: dict[str, Any]) -> None:
    invoice = documents["invoice"]
    text = pdf_text(pdf.render_document_pdf(invoice))
    assert documents["payment"].number in text
    assert "Credit applied" in text and "-$100.00" in text.replace("−", "-")
    assert "1 Harbour Road" in text and "Thank you for your business." in text
    assert "1 / 1" in text  # page numbers from the @page counter


def test_a_paid_invoice_carries_a_paid_stamp(customer_a: Contact) -> None:
    from portico.payments import services as payments

    invoice = make.invoice(customer_a, "80.00")
    payments.payment_record(
        contact=customer_a,
        amount=Decimal("80.00"),
        date=D(2026, 1, 20),
        mode="cash",
        allocations=[(invoice, Decimal("80.00"))],
    )
    invoice.refresh_from_db()
    assert "PAID" in pdf_text(pdf.render_document_pdf(invoice)).upper()


def test_amounts_and_dates_follow_the_customers_language(customer_a: Contact) -> None:
    customer_a.language = "de"
    customer_a.currency = "EUR"
    customer_a.save()
    invoice = make.invoice(customer_a, "1234.50")
    text = pdf_text(pdf.render_document_pdf(invoice))
    assert "1.234,50" in text and "€" in text
    assert "15.01.2026" in text


def test_a_statement_shows_running_balance_and_aging(
    documents: dict[str, Any], customer_a: Contact, org: Organisation
) -> None:
    statement = statements.statement_for(
        contact=customer_a, start=D(2026, 1, 1), end=D(2026, 12, 31)
    )
    text = pdf_text(pdf.statement_pdf(statement, org))
    assert "Statement of accounts" in text and "Customer A" in text
    assert "Aging of open invoices" in text
    closing = context.statement_context(statement, org)["balance"]
    assert f"${closing:,.2f}" in text


def test_a_statement_above_the_line_cap_fails_fast_with_a_clear_error(
    customer_a: Contact, org: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    statement = statements.statement_for(contact=customer_a, start=D(2026, 1, 1), end=D(2026, 1, 2))
    many = [statement.lines[0] if statement.lines else None] * 0
    long_statement = type(statement)(**{**statement.__dict__, "lines": many + [object()] * 10_000})  # type: ignore[list-item]
    with pytest.raises(rendering.RenderError) as refused:
        pdf.statement_pdf(long_statement, org)
    assert refused.value.code == "document_too_long"
    assert "10000" in refused.value.message or "10,000" in refused.value.message


def test_the_paper_size_follows_the_organisation(
    documents: dict[str, Any], org: Organisation
) -> None:
    import io

    from pypdf import PdfReader

    a4 = PdfReader(io.BytesIO(pdf.render_document_pdf(documents["estimate"]))).pages[0].mediabox
    org.paper_size = Organisation.PaperSize.LETTER
    org.save()
    documents["estimate"].refresh_from_db()
    letter = PdfReader(io.BytesIO(pdf.render_document_pdf(documents["estimate"]))).pages[0].mediabox
    assert (round(float(a4.width)), round(float(a4.height))) == (595, 842)
    assert (round(float(letter.width)), round(float(letter.height))) == (612, 792)


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:
        _Counter.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def listener() -> Iterator[str]:
    _Counter.hits = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_markup_in_notes_and_addresses_is_printed_as_text_and_fetches_nothing(
    customer_a: Contact, org: Organisation, listener: str
) -> None:
    # given an address and notes full of markup that would fetch things if parsed
    customer_a.billing_street = f"<img src={listener}/street.png>"
    customer_a.save()
    org.street = f'<img src="{listener}/org.png">'
    org.save()
    notes = (
        f"<link href=file:///etc/passwd rel=stylesheet> "
        f'<meta http-equiv=refresh content="0;url={listener}/refresh"> '
        f"<img src={listener}/notes.png>"
    )
    invoice = make.invoice(customer_a, "10.00", notes=notes)

    # when its PDF is rendered
    text = pdf_text(pdf.render_document_pdf(invoice))

    # then the markup appears as text and nothing was requested
    assert "<img src=http://127.0.0.1" in text
    assert "<link href=file:///etc/passwd" in text
    assert "<meta http-equiv=refresh" in text
    assert _Counter.hits == []


def test_the_fetcher_refuses_everything_but_our_static_files_and_the_logo(
    org: Organisation, listener: str
) -> None:
    fetcher = rendering.SafeFetcher(org)
    # even raw, unescaped markup cannot reach the network or the disk
    html = (
        f'<html><head><link rel="stylesheet" href="file:///etc/passwd">'
        f'<link rel="stylesheet" href="{listener}/x.css"></head>'
        f'<body><img src="{listener}/a.png"><img src="file:///etc/hostname">'
        f'<img src="/static/../../etc/passwd"><img src="data:image/png;base64,iVBORw0KGgo=">'
        f"<p>hello</p></body></html>"
    )
    rendering.render_pdf(html=html, organisation=org, fetcher=fetcher)
    assert _Counter.hits == []
    assert len(fetcher.refused) >= 5
    assert fetcher.served == []
    for url in (
        "file:///etc/passwd",
        f"{listener}/a.png",
        "http://127.0.0.1:8000/static/portal/../../settings.py",
    ):
        with pytest.raises(rendering.FetchRefused):
            fetcher.fetch(url)
    served = fetcher.fetch("http://127.0.0.1:8000/static/documents/document.css")
    assert served.content_type == "text/css"


def test_the_organisations_logo_is_served_and_another_organisations_is_not(
    org: Organisation, other_org: Organisation
) -> None:
    from django.core.files.base import ContentFile

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    org.logo.save("a.png", ContentFile(png), save=True)
    other_org.logo.save("b.png", ContentFile(png), save=True)
    fetcher = rendering.SafeFetcher(org)
    assert fetcher.fetch(f"http://127.0.0.1:8000{org.logo_url}").read() == png
    with pytest.raises(rendering.FetchRefused):
        fetcher.fetch(f"http://127.0.0.1:8000{other_org.logo_url}")
    with pytest.raises(rendering.FetchRefused):
        fetcher.fetch(f"http://127.0.0.1:8000{org.logo.url}")  # the raw media address


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per PDF actually rendered (not served from the kept copies)."""
    rendered: list[int] = []
    real = pdf.render_document_pdf
    monkeypatch.setattr(
        pdf, "render_document_pdf", lambda *a, **k: rendered.append(1) or real(*a, **k)
    )
    return rendered


def test_the_pdf_is_cached_per_version_and_rendered_again_after_a_change(
    customer_a: Contact, renders: list[int]
) -> None:
    from portico.payments import services as payments

    invoice = make.invoice(customer_a, "90.00")
    first = pdf.document_pdf(invoice)
    again = pdf.document_pdf(invoice)
    assert first == again and len(renders) == 1
    payments.payment_record(
        contact=customer_a,
        amount=Decimal("40.00"),
        date=D(2026, 1, 20),
        mode="cash",
        allocations=[(invoice, Decimal("40.00"))],
    )
    invoice.refresh_from_db()
    changed = pdf.document_pdf(invoice)
    assert len(renders) == 2
    assert "$50.00" in pdf_text(changed)


def test_a_forgotten_pdf_is_rendered_again(customer_a: Contact, renders: list[int]) -> None:
    invoice = make.invoice(customer_a, "90.00")
    pdf.document_pdf(invoice)
    pdf.document_pdf(invoice, language="fr")
    pdf.forget_kept(invoice)  # every language's copy
    pdf.document_pdf(invoice)
    pdf.document_pdf(invoice, language="fr")
    assert len(renders) == 4
    pdf.forget_kept(make.invoice(customer_a, "10.00"))  # nothing kept yet: nothing to do
