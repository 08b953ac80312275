"""A review written in the portal appears on the customer's page in the back office."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from portico.accounts.models import User
from portico.contacts.models import ContactPerson
from tests.e2e.self_service_support import (
    account_url,
    activate,
    admin_login,
    assert_no_csp_violations,
    portal_login,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_review_shows_in_the_back_office(
    page: Page,
    live_server: Any,
    customer_a_person: ContactPerson,
    owner: User,
    password: str,
    screenshot: Any,
    csp_violations: list[str],
) -> None:
    person = activate(customer_a_person, password)
    portal_login(page, live_server, person, password)
    page.goto(account_url(live_server, person, "review"))

    page.get_by_label("4 stars").check()
    page.get_by_label("Your review").fill("Fast answers and clear invoices.")
    screenshot("portal-review")
    page.get_by_role("button", name="Publish my review").click()
    expect(page.get_by_text("Thank you for your review.")).to_be_visible()

    # editing keeps one review
    page.get_by_label("5 stars").check()
    page.get_by_role("button", name="Update my review").click()
    expect(page.get_by_text("Your review was updated.")).to_be_visible()
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot("portal-review-375")
    page.set_viewport_size({"width": 1280, "height": 720})
    assert_no_csp_violations(csp_violations)

    admin_login(page, live_server, owner.email, password)
    page.goto(f"{live_server.url}/admin/contacts/contact/{person.contact_id}/change/")
    expect(page.get_by_text("Client reviews").first).to_be_visible()
    expect(page.get_by_text("Fast answers and clear invoices.").first).to_be_visible()
    expect(page.get_by_text("★★★★★").first).to_be_visible()
    screenshot("backoffice-customer-client-reviews")
    page.goto(f"{live_server.url}/admin/contacts/review/")
    expect(page.get_by_text("Fast answers and clear invoices.")).to_be_visible()
    screenshot("backoffice-client-reviews")
