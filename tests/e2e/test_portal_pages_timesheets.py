"""Timesheet approvals in a real browser: approve one, reject another with a reason."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from portico.activity.models import Notification
from portico.contacts.models import Contact, ContactPerson
from portico.projects.models import TimesheetApproval
from tests.e2e.portal_pages_support import (
    log_in,
    no_horizontal_scroll,
    phone_screenshot,
)
from tests.projects.factories import ProjectFactory, TimeEntryFactory, TimesheetApprovalFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_approving_and_rejecting_timesheets(
    page: Page,
    browser: Browser,
    live_server: Any,
    customer_a: Contact,
    customer_a_person: ContactPerson,
    password: str,
    screenshot: Any,
    csp_violations: list[str],
) -> None:
    # given two timesheets of the "Website" project waiting for the customer
    project = ProjectFactory(contact=customer_a, name="Website")
    first = TimesheetApprovalFactory(
        project=project,
        entries=[TimeEntryFactory(project=project, task=f"Design round {n}") for n in (1, 2)],
    )
    second = TimesheetApprovalFactory(project=project)
    log_in(page, live_server.url, customer_a_person, password)

    # when the person opens the first from the list and approves it
    page.get_by_role("link", name="Timesheets").first.click()
    screenshot("portal-timesheets-list")
    page.goto(f"{live_server.url}/portal/studio-a/timesheets/{first.public_id}")
    expect(page.get_by_text("Design round 2")).to_be_visible()
    expect(page.locator("#total-hours")).to_have_text("4.00")
    screenshot("portal-timesheet-detail")
    phone = phone_screenshot(browser, page, page.url, "portal-timesheet-detail-phone")
    assert no_horizontal_scroll(phone)
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("You approved this timesheet.")).to_be_visible()
    expect(page.locator("#approval-status")).to_have_text("Approved")

    # and rejects the second, first without a reason, then with one
    page.goto(f"{live_server.url}/portal/studio-a/timesheets/{second.public_id}")
    page.locator("#reject summary").click()
    page.get_by_role("button", name="Reject timesheet").click()
    page.get_by_label("Why do you reject this time?").fill("Two hours were for another project.")
    page.get_by_role("button", name="Reject timesheet").click()

    # then both decisions are kept and the business was told of each once
    expect(page.get_by_text(re.compile("You rejected this timesheet"))).to_be_visible()
    screenshot("portal-timesheet-rejected")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == TimesheetApproval.Status.APPROVED
    assert second.reason == "Two hours were for another project."
    assert sorted(Notification.objects.values_list("kind", flat=True)) == [
        "timesheet_approved",
        "timesheet_rejected",
        "viewed",
        "viewed",
    ]
    assert csp_violations == []
