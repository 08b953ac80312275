"""A file with a comment, in a real browser: the person comments on a timesheet approval with
a file, is told plainly when a file is refused, sees the file in the thread and downloads it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from portico.accounts.models import User
from portico.activity.models import Comment, Notification
from portico.contacts.models import Contact, ContactPerson
from portico.sales.models import Attachment
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.portal_pages_support import log_in, no_horizontal_scroll, phone_screenshot
from tests.projects.factories import ProjectFactory, TimeEntryFactory, TimesheetApprovalFactory

pytestmark = pytest.mark.django_db(transaction=True)
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_a_comment_with_a_file_on_a_timesheet(
    page: Page,
    browser: Browser,
    live_server: Any,
    customer_a: Contact,
    customer_a_person: ContactPerson,
    owner: User,
    password: str,
    screenshot: Any,
    csp_violations: list[str],
    tmp_path: Path,
) -> None:
    # given a timesheet of the "Website" project waiting for customer A
    project = ProjectFactory(contact=customer_a, name="Website")
    approval = TimesheetApprovalFactory(
        project=project, entries=[TimeEntryFactory(project=project, task="Travel to site")]
    )
    page_svg = tmp_path / "drawing.svg"
    page_svg.write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>')
    receipt = tmp_path / "train-tickets.pdf"
    receipt.write_bytes(PDF)
    log_in(page, live_server.url, customer_a_person, password)
    page.goto(f"{live_server.url}/portal/studio-a/timesheets/{approval.public_id}")

    # when the person first attaches an SVG, the form says why and keeps the comment
    page.get_by_label("Add a comment").fill("The travel hours: tickets attached.")
    page.get_by_label("Attach a file (optional)").set_input_files(str(page_svg))
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator("#id_file_errors")).to_contain_text("“drawing.svg” was not attached")
    expect(page.get_by_label("Add a comment")).to_have_value("The travel hours: tickets attached.")
    # Playwright's default caret hiding leaves style="" on inputs, which htmx's next swap
    # would copy (a CSP report that no real browser would make): keep the caret here.
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(
        path=str(SCREENSHOTS / "portal-comment-file-refused.png"), full_page=True, caret="initial"
    )
    assert Comment.objects.count() == 0

    # and then attaches the PDF
    page.get_by_label("Attach a file (optional)").set_input_files(str(receipt))
    page.get_by_role("button", name="Post comment").click()

    # then the thread shows the comment with its file, which downloads as a file
    link = page.locator("#comments").get_by_role("link", name="train-tickets.pdf")
    expect(link).to_be_visible()
    expect(page.locator("#comments")).to_contain_text("The travel hours: tickets attached.")
    expect(page.get_by_label("Add a comment")).to_have_value("")
    page.evaluate("window.scrollTo(0, 0)")
    screenshot("portal-timesheet-comment-file")
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "train-tickets.pdf"
    assert Path(download.path()).read_bytes() == PDF

    # and on a phone the thread and its file fit the screen
    phone = phone_screenshot(browser, page, page.url, "portal-timesheet-comment-file-phone")
    expect(phone.locator("#comments").get_by_role("link", name="train-tickets.pdf")).to_be_visible()
    assert no_horizontal_scroll(phone)

    attachment = Attachment.objects.get()
    assert attachment.approval == approval and attachment.comment == Comment.objects.get()
    assert (
        "attached \u2068train-tickets.pdf\u2069." in Notification.objects.get(kind="commented").text
    )
    assert csp_violations == []

    # and the owner finds the file on the approval in the back office
    staff = browser.new_context().new_page()
    staff.goto(f"{live_server.url}/admin/login/")
    staff.get_by_label("Email address").fill(owner.email)
    staff.get_by_label("Password").fill(password)
    staff.get_by_role("button", name="Log in").click()
    staff.goto(f"{live_server.url}/admin/projects/timesheetapproval/{approval.pk}/change/")
    expect(staff.get_by_role("link", name="train-tickets.pdf", exact=True)).to_be_visible()
    staff.screenshot(path=str(SCREENSHOTS / "backoffice-approval-files.png"), full_page=True)
    with staff.expect_download() as staff_download:
        staff.get_by_role("link", name="train-tickets.pdf", exact=True).click()
    assert Path(staff_download.value.path()).read_bytes() == PDF
