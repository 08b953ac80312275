"""Comments in a real browser: the customer writes on an invoice, staff reply from the back
office with "show in portal", and the customer sees the reply."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from portico.accounts.models import User
from portico.activity.models import Comment, Notification
from portico.contacts.models import Contact, ContactPerson
from tests.e2e.portal_pages_support import (
    log_in,
    no_horizontal_scroll,
    phone_screenshot,
)
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_comment_and_the_staff_reply(
    page: Page,
    browser: Browser,
    live_server: Any,
    customer_a: Contact,
    customer_a_person: ContactPerson,
    owner: User,
    password: str,
    screenshot: Any,
    csp_violations: list[str],
) -> None:
    # given an invoice sent to customer A
    invoice = sales.invoice(customer_a, "480.00")
    log_in(page, live_server.url, customer_a_person, password)

    # when the person opens it from the list and writes a comment (with markup, escaped)
    page.get_by_role("link", name="Invoices").first.click()
    expect(page.get_by_role("link", name=invoice.number)).to_be_visible()
    screenshot("portal-invoices-list")
    phone = phone_screenshot(browser, page, page.url, "portal-invoices-list-phone")
    assert no_horizontal_scroll(phone)
    page.get_by_role("link", name=invoice.number).click()
    page.get_by_label("Add a comment").fill("Can we pay <b>half</b> now?")
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator("#comments")).to_contain_text("Can we pay <b>half</b> now?")
    screenshot("portal-invoice-detail")
    phone = phone_screenshot(browser, page, page.url, "portal-invoice-detail-phone")
    assert no_horizontal_scroll(phone)
    assert Notification.objects.filter(kind="commented").count() == 1

    # and the owner replies in the back office, ticking "show in portal"
    staff = browser.new_context().new_page()
    staff.goto(f"{live_server.url}/admin/login/")
    staff.get_by_label("Email address").fill(owner.email)
    staff.get_by_label("Password").fill(password)
    staff.get_by_role("button", name="Log in").click()
    staff.goto(f"{live_server.url}/admin/activity/comment/add/")
    staff.locator("select[name=invoice]").select_option(label=invoice.number)
    staff.locator("textarea[name=body]").fill("Yes, half now and half in 30 days is fine.")
    staff.locator("input[name=show_in_portal]").check()
    staff.locator("input[name=_save], button[name=_save]").first.click()
    expect(staff.get_by_text("Yes, half now").first).to_be_visible()
    screenshot_path = "docs/screenshots/backoffice-comment-reply.png"
    staff.screenshot(path=screenshot_path, full_page=True)

    # then the customer sees the reply under their comment
    page.reload()
    expect(page.locator("#comments")).to_contain_text("half now and half in 30 days")
    expect(page.locator("#comments")).to_contain_text("Studio A")
    screenshot("portal-invoice-comment-reply")
    assert Comment.objects.filter(author_user=owner, show_in_portal=True).count() == 1
    assert csp_violations == []
