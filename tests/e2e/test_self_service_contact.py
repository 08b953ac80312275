"""Contact the business: the mail in the outbox, reply-to the person; a bad subject is refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from portico.contacts.models import ContactPerson
from tests.e2e.self_service_support import (
    account_url,
    activate,
    assert_no_csp_violations,
    portal_login,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_message_reaches_the_business_by_email(
    page: Page,
    live_server: Any,
    customer_a_person: ContactPerson,
    password: str,
    screenshot: Any,
    csp_violations: list[str],
) -> None:
    person = activate(customer_a_person, password)
    portal_login(page, live_server, person, password)
    page.goto(account_url(live_server, person, "contact"))
    outbox_before = len(mail.outbox)

    page.get_by_label("Subject").fill("Invoice address")
    page.get_by_label("Message").fill(
        "Please send invoices to accounts@customer-a.example.\nThanks!"
    )
    screenshot("portal-contact-business")
    page.get_by_role("button", name="Send message").click()

    expect(page.get_by_text("Your message was sent to Studio A.")).to_be_visible()
    sent = [m for m in mail.outbox[outbox_before:] if m.reply_to == [person.email]]
    assert len(sent) == 1
    assert sent[0].to == [person.organisation.primary_email]
    assert "Invoice address" in sent[0].subject
    assert "accounts@customer-a.example" in sent[0].body

    # an empty message is a field error, nothing sent
    page.get_by_label("Subject").fill("Another")
    page.get_by_role("button", name="Send message").click()
    expect(page.locator("#id_body_errors")).to_be_visible()
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot("portal-contact-business-375")
    assert len([m for m in mail.outbox[outbox_before:] if m.reply_to == [person.email]]) == 1
    assert_no_csp_violations(csp_violations)
