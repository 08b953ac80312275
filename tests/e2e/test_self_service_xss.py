"""The usual XSS payloads in every self-service field: shown as text in the portal, the back
office and the emails to the business, never run."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from portico.accounts.models import User
from portico.contacts.models import ContactPerson
from tests.e2e.self_service_support import account_url, activate, admin_login, portal_login

pytestmark = pytest.mark.django_db(transaction=True)

LONG = '<script>alert("xss")</script><img src=x onerror=alert(1)>'
MEDIUM = '"><svg onload=alert(1)>'
SHORT = "<i>1</i>"


def test_payloads_in_every_field_are_text_everywhere(
    page: Page,
    live_server: Any,
    customer_a_person: ContactPerson,
    owner: User,
    password: str,
) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    person = activate(customer_a_person, password)
    portal_login(page, live_server, person, password)

    # my details: names and title take the text, phones refuse it
    page.goto(account_url(live_server, person, "details"))
    page.get_by_label("First name").fill(LONG)
    page.get_by_label("Last name").fill(MEDIUM)
    page.get_by_label("Job title").fill(LONG)
    page.get_by_label("Mobile").fill(MEDIUM)
    page.get_by_role("button", name="Save my details").click()
    expect(page.locator("#id_mobile_errors")).to_be_visible()
    page.get_by_label("Mobile").fill("")
    page.get_by_role("button", name="Save my details").click()
    expect(page.get_by_text("Your details were saved.")).to_be_visible()
    expect(page.get_by_role("heading", name=f"{LONG} {MEDIUM}")).to_be_visible()

    # company details, every text field
    page.goto(account_url(live_server, person, "company"))
    for name in ("display_name", "company_name", "billing_street", "shipping_city"):
        page.locator(f"#id_{name}").fill(LONG)
    for name in ("tax_number", "billing_attention", "shipping_state"):
        page.locator(f"#id_{name}").fill(MEDIUM)
    page.locator("#id_billing_postal_code").fill(SHORT)
    page.locator("#id_website").fill(MEDIUM)
    page.get_by_role("button", name="Save company details").click()
    expect(page.locator("#id_website_errors")).to_be_visible()
    page.locator("#id_website").fill("")
    page.get_by_role("button", name="Save company details").click()
    expect(page.get_by_text("Your company details were saved.")).to_be_visible()
    expect(page.locator("#id_display_name")).to_have_value(LONG)

    # contact form and review
    page.goto(account_url(live_server, person, "contact"))
    page.get_by_label("Subject").fill(MEDIUM)
    page.get_by_label("Message").fill(LONG)
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_text("Your message was sent")).to_be_visible()
    page.goto(account_url(live_server, person, "review"))
    page.get_by_label("3 stars").check()
    page.get_by_label("Your review").fill(LONG)
    page.get_by_role("button", name="Publish my review").click()
    expect(page.get_by_text("Thank you for your review.")).to_be_visible()
    expect(page.locator("#id_text")).to_have_value(LONG)

    # the back office shows all of it as text
    admin_login(page, live_server, owner.email, password)
    for path in (
        f"/admin/contacts/contact/{person.contact_id}/change/",
        "/admin/contacts/contact/",
        "/admin/contacts/review/",
        "/admin/contacts/customermessage/",
        "/admin/contacts/detailschangeitem/",
        "/admin/contacts/contactperson/",
        "/admin/activity/notification/",
        "/admin/activity/activitylog/",
    ):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status < 400, path
        assert page.locator("img[src=x]").count() == 0, path
    page.goto(f"{live_server.url}/admin/contacts/review/")
    expect(page.get_by_text(LONG).first).to_be_visible()

    assert dialogs == []

    # the emails to the business: HTML escaped, plain text as typed
    to_business = [m for m in mail.outbox if m.to == [person.organisation.primary_email]]
    assert to_business
    for message in to_business:
        for html, _mimetype in getattr(message, "alternatives", []):
            assert "<script>" not in html and "<svg onload" not in html
    message = next(m for m in to_business if m.reply_to == [person.email])
    assert "\n" not in message.subject and LONG in message.body
