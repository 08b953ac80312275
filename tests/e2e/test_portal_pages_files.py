"""In a real browser: an invoice's page lists the business's file, which downloads; the customer
attaches one from the page; the statement page prints and downloads the chosen period."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import Browser, Page, expect

from portico.contacts.models import Contact, ContactPerson
from portico.sales.models import Attachment
from tests.e2e.portal_pages_support import log_in, no_horizontal_scroll, phone_screenshot
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db(transaction=True)
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"


def test_an_invoices_files_download_and_the_statement_pdf_is_for_the_period(
    page: Page,
    browser: Browser,
    live_server: Any,
    customer_a: Contact,
    customer_a_person: ContactPerson,
    password: str,
    screenshot: Any,
    csp_violations: list[str],
    tmp_path: Path,
) -> None:
    # given an invoice with a file the business shows in the portal, and one it keeps
    invoice = sales.invoice(customer_a, "240.00", issue_date=datetime.date(2026, 2, 3))
    for name, shown in (("site-plan.pdf", True), ("internal-costing.pdf", False)):
        attachment = Attachment(
            organisation=invoice.organisation, invoice=invoice, name=name, show_in_portal=shown
        )
        attachment.file.save(name, ContentFile(PDF), save=False)
        attachment.save()
    slug = customer_a.organisation.slug
    log_in(page, live_server.url, customer_a_person, password)

    # when the person opens the invoice
    page.goto(f"{live_server.url}/portal/{slug}/invoices/{invoice.public_id}")

    # then the shown file is listed and downloads; the kept one is not there
    files = page.get_by_role("region", name="Files")
    link = files.get_by_role("link", name="site-plan.pdf")
    expect(link).to_be_visible()
    expect(files).not_to_contain_text("internal-costing.pdf")
    with page.expect_download() as download_info:
        link.click()
    assert download_info.value.suggested_filename == "site-plan.pdf"
    assert Path(download_info.value.path()).read_bytes() == PDF

    # and a file the person attaches from the page is listed there too
    signed = tmp_path / "signed-delivery-note.pdf"
    signed.write_bytes(PDF)
    files.get_by_label("Attach a file").set_input_files(str(signed))
    files.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("The file was attached.")).to_be_visible()
    expect(files.get_by_role("link", name="signed-delivery-note.pdf")).to_be_visible()
    files.scroll_into_view_if_needed()
    screenshot("portal-invoice-files")
    # (without the #files anchor, so the phone shot starts at the top of the page)
    phone = phone_screenshot(browser, page, page.url.split("#")[0], "portal-invoice-files-phone")
    expect(phone.get_by_role("link", name="site-plan.pdf")).to_be_visible()
    assert no_horizontal_scroll(phone)

    # when the person asks for February's statement and downloads its PDF
    page.goto(
        f"{live_server.url}/portal/{slug}/statement?period=custom&start=2026-02-01&end=2026-02-28"
    )
    expect(page.locator("#closing-balance")).to_have_text("$240.00")
    screenshot("portal-statement-print-pdf")
    phone = phone_screenshot(browser, page, page.url, "portal-statement-print-pdf-phone")
    expect(phone.get_by_role("link", name="PDF")).to_be_visible()
    assert no_horizontal_scroll(phone)
    with page.expect_download() as pdf_info:
        page.get_by_role("link", name="PDF").click()

    # then the PDF is February's statement
    assert pdf_info.value.suggested_filename == "statement-2026-02-01-2026-02-28.pdf"
    assert Path(pdf_info.value.path()).read_bytes().startswith(b"%PDF")

    # and Print opens the print view of the same period, which leads back to it
    page.get_by_role("link", name="Print").click()
    expect(page.locator("body")).to_contain_text(invoice.number)
    assert "start=2026-02-01" in page.url and "end=2026-02-28" in page.url
    assert csp_violations == []
