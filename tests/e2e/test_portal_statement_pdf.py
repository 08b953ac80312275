"""In a real browser: a long statement's PDF is prepared while its page waits (refreshing by
itself, no script), then downloads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from portico.contacts.models import Contact, ContactPerson
from portico.documents import statement_pdfs
from portico.documents.models import StatementPdf
from tests.e2e.portal_pages_support import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_long_statement_pdf_is_prepared_then_downloaded(
    page: Page,
    live_server: Any,
    long_february_statement: Contact,
    customer_a_person: ContactPerson,
    password: str,
    screenshot: Any,
    csp_violations: list[str],
) -> None:
    # given a statement longer than a request renders, and a worker that has not run yet
    customer_a = long_february_statement
    log_in(page, live_server.url, customer_a_person, password)
    page.goto(
        f"{live_server.url}/portal/{customer_a.organisation.slug}/statement"
        "?period=custom&start=2026-02-01&end=2026-02-28"
    )

    # when the person asks for its PDF
    page.locator("#statement-pdf").click()

    # then its page says it is being prepared, and offers to email it
    expect(page.get_by_role("heading", name="Statement PDF")).to_be_visible()
    expect(page.locator("#statement-pdf-state")).to_contain_text("Preparing your statement…")
    expect(page.get_by_role("button", name="Email it to me when ready")).to_be_visible()
    screenshot("portal-statement-pdf-preparing")

    # when the worker renders it, the page refreshes itself and offers the download
    job = StatementPdf.objects.get(contact=customer_a)
    statement_pdfs.statement_pdf_run(job_id=job.pk)
    download_link = page.get_by_role("link", name="Download PDF")
    expect(download_link).to_be_visible(timeout=10_000)
    expect(page.locator("#statement-pdf-state")).to_contain_text("Your statement is ready.")
    screenshot("portal-statement-pdf-ready")
    with page.expect_download() as pdf_info:
        download_link.click()

    # then the download is the period's statement
    assert pdf_info.value.suggested_filename == "statement-2026-02-01-2026-02-28.pdf"
    assert Path(pdf_info.value.path()).read_bytes().startswith(b"%PDF")
    assert csp_violations == []
