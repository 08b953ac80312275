"""Billing someone, end to end: the owner sends an invoice from the back office, the customer
opens the email's link and pays it by card; a person without portal access pays through their
personal document link."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from portico.accounts.models import User
from portico.activity import invitations
from portico.contacts.models import Contact, ContactPerson
from portico.documents import sending
from portico.orgs.models import GatewayAccount, Organisation
from portico.sales.models import Invoice
from tests.e2e.portal_pages_support import no_horizontal_scroll, phone_screenshot
from tests.e2e.self_service_support import admin_login
from tests.e2e.test_checkout_journeys import type_card
from tests.gateways.factories import GatewayAccountFactory
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def account(org: Organisation, settings: Any, live_server: Any) -> GatewayAccount:
    settings.SITE_URL = live_server.url
    return GatewayAccountFactory(organisation=org, duplicate_window_minutes=0)


def button_link(message: Any) -> str:
    """The address behind the email's button (the first link of the HTML part)."""
    html = message.alternatives[0][0]
    found = re.search(r'<a href="([^"]+)" style="background', html)
    assert found, html
    return found.group(1).replace("&amp;", "&")


def test_the_owner_sends_an_invoice_and_the_customer_pays_it_from_the_email(
    page: Page,
    browser: Any,
    live_server: Any,
    account: GatewayAccount,
    owner: User,
    password: str,
    customer_a: Contact,
    customer_a_person: ContactPerson,
    screenshot: Any,
    csp_violations: list[str],
) -> None:
    # given a draft invoice and a customer whose person has portal access
    invitations.portal_access_enable(person=customer_a_person, password=password)
    invoice = sales.invoice(customer_a, "480.00", send=False)
    mail.outbox.clear()

    # when the owner opens it in the back office and clicks Send
    admin_login(page, live_server, owner.email, password)
    page.goto(f"{live_server.url}/admin/sales/invoice/{invoice.pk}/change/")
    page.locator(f'a[href$="/invoice/{invoice.public_id}/send"]').first.click()
    expect(page.locator("#header-inner")).to_contain_text(f"Send Invoice {invoice.number}")
    expect(page.get_by_label(re.compile(customer_a_person.email))).to_be_checked()
    page.get_by_label("Cc").fill("accounts@customer-a.example")
    screenshot("backoffice-send-invoice")
    phone = phone_screenshot(browser, page, page.url, "backoffice-send-invoice-phone")
    phone.context.close()
    page.get_by_role("button", name="Send").click()

    # then the invoice is sent and the back office says to whom
    expect(page.get_by_text(f"was sent to {customer_a_person.email}")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/admin/sales/invoice/{invoice.pk}/change/$"))
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.SENT
    to_ann = next(m for m in mail.outbox if m.to == [customer_a_person.email])
    assert to_ann.attachments and to_ann.attachments[0][0] == f"invoice-{invoice.number}.pdf"

    # when Ann opens the email's button in her own browser (not logged in)
    customer = browser.new_context()
    ann = customer.new_page()
    ann.goto(button_link(to_ann))
    # then she logs in and lands on the invoice, with Pay now
    ann.get_by_label("Email address").fill(customer_a_person.email)
    ann.get_by_label("Password").fill(password)
    ann.get_by_role("button", name="Log in").click()
    expect(ann).to_have_url(re.compile(rf"/invoices/{invoice.public_id}$"))
    mail.outbox.clear()
    ann.locator("#pay-now").click()
    type_card(ann, "4242 4242 4242 4242")
    ann.get_by_role("button", name="Pay", exact=True).click()
    expect(ann.locator("#outcome")).to_have_text("Thank you, your payment went through.")
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    [receipt] = [m for m in mail.outbox if m.subject.startswith("Receipt")]
    assert receipt.to == [customer_a_person.email]
    customer.close()
    assert csp_violations == []


def test_a_person_without_portal_access_pays_through_the_document_link(
    page: Page,
    browser: Any,
    live_server: Any,
    account: GatewayAccount,
    owner: User,
    customer_a: Contact,
    customer_a_person: ContactPerson,
    screenshot: Any,
    csp_violations: list[str],
) -> None:
    # given an invoice sent to a person who was never invited to the portal
    assert customer_a_person.portal_status == ContactPerson.PortalStatus.NOT_ENABLED
    other = sales.invoice(customer_a, "99.00")
    invoice = sales.invoice(customer_a, "215.50")
    sending.document_send(organisation=invoice.organisation, document=invoice, sent_by=owner)
    [message] = mail.outbox
    link = button_link(message)
    assert "/d/" in link
    mail.outbox.clear()
    # (the email as it reads, for the screenshots)
    page.set_content(message.alternatives[0][0])  # type: ignore[attr-defined]
    screenshot("email-invoice-sent")

    # when Ann opens her personal link
    page.goto(link)
    # then she sees that one invoice, with Pay now, and no menu of the portal
    expect(page).to_have_url(re.compile(rf"/invoices/{invoice.public_id}$"))
    expect(page.get_by_role("heading", name=re.compile(invoice.number))).to_be_visible()
    expect(page.locator("#portal-nav")).to_have_count(0)
    expect(page.get_by_text("this document only")).to_be_visible()
    screenshot("portal-document-link-invoice")
    phone = phone_screenshot(browser, page, page.url, "portal-document-link-invoice-phone")
    assert no_horizontal_scroll(phone)
    phone.context.close()

    # and the customer's other invoice is not hers to open through the link
    response = page.request.get(f"{live_server.url}/portal/studio-a/invoices/{other.public_id}")
    assert response.status == 404

    # when she pays it by card
    page.locator("#pay-now").click()
    expect(page.get_by_text("Saved cards and bank accounts")).to_have_count(0)
    type_card(page, "4242 4242 4242 4242")
    screenshot("portal-document-link-pay")
    page.get_by_role("button", name="Pay", exact=True).click()

    # then it is paid, she gets the receipt, and can go back to the invoice
    expect(page.locator("#outcome")).to_have_text("Thank you, your payment went through.")
    screenshot("portal-document-link-paid")
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    [receipt] = [m for m in mail.outbox if m.subject.startswith("Receipt")]
    assert receipt.to == [customer_a_person.email]
    page.locator("#document-link").click()
    expect(page).to_have_url(re.compile(rf"/invoices/{invoice.public_id}$"))
    assert csp_violations == []
