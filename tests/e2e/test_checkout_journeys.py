"""Paying in the browser: a card typed into the gateway's frame (and saved), pay all with the
saved card, a declined card, a bank debit pending then settled by the sandbox's webhook."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from portico.contacts.models import Contact, ContactPerson
from portico.orgs.models import GatewayAccount, Organisation
from portico.payments.models import Checkout, Payment, SavedMethod
from portico.sales.models import Invoice
from tests.e2e.portal_pages_support import log_in, no_horizontal_scroll, phone_screenshot
from tests.gateways.factories import GatewayAccountFactory
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def account(org: Organisation, settings: Any, live_server: Any) -> GatewayAccount:
    settings.SITE_URL = live_server.url
    return GatewayAccountFactory(organisation=org, duplicate_window_minutes=0)


@pytest.fixture
def signed_in(page: Page, live_server: Any, customer_a_person: ContactPerson, password: str) -> str:
    log_in(page, live_server.url, customer_a_person, password)
    return f"{live_server.url}/portal/{customer_a_person.organisation.slug}"


def type_card(page: Page, number: str, *, wait_for_token: bool = True) -> None:
    fields = page.frame_locator('iframe[data-hosted-fields="card"]')
    fields.get_by_label("Name on card").fill("Ann Customer")
    fields.get_by_label("Card number").fill(number)
    fields.get_by_label("Expiry month (MM)").fill("12")
    fields.get_by_label("Expiry year (YY)").fill("34")
    fields.get_by_label("Security code (CVC)").fill("123")
    fields.get_by_label("Postal code").fill("94105")
    fields.get_by_role("button", name="Use this card").click()
    if wait_for_token:
        expect(page.locator("[data-token-status]")).to_contain_text(number[-4:])


def test_pay_one_invoice_by_card_and_save_it_then_pay_all_with_the_saved_card(
    page: Page,
    signed_in: str,
    account: GatewayAccount,
    customer_a: Contact,
    screenshot: Any,
    csp_violations: list[str],
) -> None:
    # given three invoices
    first = sales.invoice(customer_a, "120.00")
    others = [sales.invoice(customer_a, "80.00"), sales.invoice(customer_a, "45.50")]

    # when Ann pays the first one from its page, by card, saving the card
    page.goto(f"{signed_in}/invoices/{first.public_id}")
    page.locator("#pay-now").click()
    expect(page.get_by_role("heading", name="Pay invoices")).to_be_visible()
    expect(page.locator(f'input[value="{first.public_id}"]')).to_be_checked()
    expect(page.locator(f'input[value="{others[0].public_id}"]')).not_to_be_checked()
    type_card(page, "4242 4242 4242 4242")
    page.get_by_label("Save this card or account for future payments").check()
    screenshot("portal-pay-card")
    page.get_by_role("button", name="Pay", exact=True).click()

    # then it went through and the receipt is one click away
    expect(page.locator("#outcome")).to_have_text("Thank you, your payment went through.")
    screenshot("portal-pay-succeeded")
    page.locator("#receipt-link").click()
    expect(page).to_have_url(re.compile(r"/payments/[0-9a-f-]+$"))
    first.refresh_from_db()
    assert first.status == Invoice.Status.PAID
    assert SavedMethod.objects.get().last4 == "4242"

    # when she pays everything else with the saved card
    page.goto(f"{signed_in}/pay/")
    for invoice in others:
        expect(page.locator(f'input[value="{invoice.public_id}"]')).to_be_checked()
    expect(page.get_by_label("Visa •••• 4242")).to_be_checked()
    expect(page.locator('[data-fields-for="card"]')).to_be_hidden()
    screenshot("portal-pay-all-saved-card")
    page.get_by_role("button", name="Pay", exact=True).click()

    # then both are paid by one payment
    expect(page.locator("#outcome")).to_have_text("Thank you, your payment went through.")
    for invoice in others:
        invoice.refresh_from_db()
        assert invoice.status == Invoice.Status.PAID
    assert Payment.objects.count() == 2
    page.goto(f"{signed_in}/pay/methods")
    expect(page.locator("#saved-methods")).to_contain_text("4242")
    screenshot("portal-saved-methods")
    assert csp_violations == []


def test_a_declined_card_shows_the_code_and_changes_nothing(
    page: Page,
    browser: Any,
    signed_in: str,
    account: GatewayAccount,
    customer_a: Contact,
    screenshot: Any,
) -> None:
    invoice = sales.invoice(customer_a, "60.00")
    phone = phone_screenshot(browser, page, f"{signed_in}/pay/", "portal-pay-phone")
    assert no_horizontal_scroll(phone)
    page.goto(f"{signed_in}/pay/?invoice={invoice.public_id}")
    type_card(page, "4100 0000 0000 0019")
    page.get_by_role("button", name="Pay", exact=True).click()
    expect(page.locator("#failure")).to_contain_text("CP3003")
    screenshot("portal-pay-declined")
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.SENT and Payment.objects.count() == 0


def test_a_bank_debit_is_pending_then_settled(
    page: Page,
    signed_in: str,
    account: GatewayAccount,
    customer_a: Contact,
    screenshot: Any,
    csp_violations: list[str],
) -> None:
    customer_a.allow_bank_debit = True
    customer_a.save()
    invoice = sales.invoice(customer_a, "300.00")
    page.goto(f"{signed_in}/pay/?invoice={invoice.public_id}")
    page.get_by_label("A new bank account (debit)").check()
    bank = page.frame_locator('iframe[data-hosted-fields="bank"]')
    bank.get_by_label("Account holder").fill("Ann Customer")
    bank.get_by_label("Routing number").fill("110000000")
    bank.get_by_label("Account number").fill("000123456789")
    bank.get_by_role("button", name="Use this bank account").click()
    expect(page.locator("[data-token-status]")).to_contain_text("6789")
    page.get_by_role("button", name="Pay", exact=True).click()
    expect(page.locator("#outcome")).to_have_text("Payment pending")
    screenshot("portal-pay-bank-pending")

    # while pending, the invoice cannot be paid again
    page.goto(f"{signed_in}/pay/")
    expect(page.locator("[data-payment-pending]")).to_be_visible()
    screenshot("portal-pay-payment-pending")

    # when the bank settles (the sandbox posts its signed webhook to the live server)
    call_command("sandbox", "settle")
    page.goto(f"{signed_in}/pay/checkouts/{Checkout.objects.get().public_id}")
    expect(page.locator("#outcome")).to_have_text("Thank you, your payment went through.")
    screenshot("portal-pay-bank-settled")
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert csp_violations == []
