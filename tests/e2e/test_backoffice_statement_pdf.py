"""In a real browser: staff ask for a long statement's PDF; its back-office page shows it being
prepared (refreshing by itself, no script), has it emailed to the customer's person when ready,
then offers the download."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from portico.accounts.models import User
from portico.contacts.models import Contact, ContactPerson
from portico.documents import statement_pdfs
from portico.documents.models import StatementPdf
from tests.e2e.test_backoffice_staff_security import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_have_a_long_statement_prepared_emailed_and_downloaded(
    page: Page,
    live_server: Any,
    owner: User,
    long_february_statement: Contact,
    customer_a_person: ContactPerson,
    password: str,
    screenshot: Any,
    csp_violations: list[str],
) -> None:
    # given a statement longer than a request renders, and a worker that has not run yet
    customer_a = long_february_statement
    sign_in(page, live_server.url, owner, password)

    # when the owner asks for its PDF
    page.goto(
        f"{live_server.url}/backoffice/documents/statement/{customer_a.public_id}/pdf"
        "?start=2026-02-01&end=2026-02-28"
    )

    # then its page says it is being prepared and offers to email it to the customer's person
    expect(page.locator("#statement-pdf-state")).to_contain_text("Preparing the statement…")
    expect(page.get_by_label("Email to")).to_be_visible()
    screenshot("backoffice-statement-pdf-preparing")
    page.get_by_role("button", name="Email it when ready").click()
    expect(page.locator("#statement-pdf-emailed")).to_contain_text(customer_a_person.email)

    # when the worker renders it, the page refreshes itself and offers the download
    job = StatementPdf.objects.get(contact=customer_a)
    statement_pdfs.statement_pdf_run(job_id=job.pk)
    download_link = page.get_by_role("link", name="Download PDF")
    expect(download_link).to_be_visible(timeout=10_000)
    expect(page.locator("#statement-pdf-state")).to_contain_text("The statement is ready.")
    screenshot("backoffice-statement-pdf-ready")
    with page.expect_download() as pdf_info:
        download_link.click()

    # then the download is the customer's statement, and the person's email was queued
    assert pdf_info.value.suggested_filename == "statement-Customer_A-2026-02-01-2026-02-28.pdf"
    assert Path(pdf_info.value.path()).read_bytes().startswith(b"%PDF")
    assert StatementPdf.objects.get(pk=job.pk).email_to == [customer_a_person.pk]
    assert csp_violations == []
