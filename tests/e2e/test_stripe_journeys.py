"""Paying through Stripe in the browser: the card is typed into Stripe Elements (localstripe's
Stripe.js) on the Stripe hosted-fields page the pay page embeds; the portal gets a
PaymentMethod id. One invoice by card and saved, all the rest with the saved card, declined
cards, and autopay with a saved Stripe card."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.db import transaction
from playwright.sync_api import Page, expect

from portico.contacts.models import Contact, ContactPerson
from portico.orgs.models import GatewayAccount
from portico.payments.models import Checkout, Payment, SavedMethod
from portico.sales.models import Invoice
from portico.sales.services import recurring_generate_due
from tests.e2e.portal_pages_support import log_in
from tests.gateways import pan_scan
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db(transaction=True)

PAID = "Thank you, your payment went through."


@pytest.fixture
def signed_in(
    page: Page,
    live_server: Any,
    customer_a_person: ContactPerson,
    password: str,
    settings: Any,
    stripe_account: GatewayAccount,
) -> str:
    settings.SITE_URL = live_server.url
    log_in(page, live_server.url, customer_a_person, password)
    return f"{live_server.url}/portal/{customer_a_person.organisation.slug}"


def type_stripe_card(page: Page, number: str, *, wait_for_token: bool = True) -> None:
    """Into localstripe's card element (number, MM, YY, CVC, postal code), then confirm."""
    fields = page.frame_locator('iframe[data-hosted-fields="card"]')
    fields.get_by_label("Name on card").fill("Ann Customer")
    fields.locator('#card-element input[placeholder="number"]').fill(number.replace(" ", ""))
    fields.locator('#card-element input[placeholder="exp_month"]').fill("12")
    fields.locator('#card-element input[placeholder="exp_year"]').fill("34")
    fields.locator('#card-element input[placeholder="cvc"]').fill("123")
    fields.locator('#card-element input[placeholder="postal_code"]').fill("94105")
    fields.get_by_role("button", name="Use this card").click()
    if wait_for_token:
        expect(page.locator("[data-token-status]")).to_contain_text(number[-4:])


def test_pay_one_invoice_by_stripe_card_save_it_then_pay_all_with_it(
    page: Page,
    signed_in: str,
    customer_a: Contact,
    screenshot: Any,
    csp_violations: list[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    # given three invoices
    first = sales.invoice(customer_a, "120.00")
    others = [sales.invoice(customer_a, "80.00"), sales.invoice(customer_a, "45.50")]

    # when Ann pays the first from its page with a card typed into Stripe Elements, saving it
    page.goto(f"{signed_in}/invoices/{first.public_id}")
    page.locator("#pay-now").click()
    expect(page.get_by_role("heading", name="Pay invoices")).to_be_visible()
    type_stripe_card(page, "4242 4242 4242 4242")
    page.get_by_label("Save this card or account for future payments").check()
    screenshot("portal-pay-stripe-card")
    page.get_by_role("button", name="Pay", exact=True).click()

    # then Stripe took it and the receipt is one click away
    expect(page.locator("#outcome")).to_have_text(PAID)
    screenshot("portal-pay-stripe-succeeded")
    page.locator("#receipt-link").click()
    expect(page).to_have_url(re.compile(r"/payments/[0-9a-f-]+$"))
    first.refresh_from_db()
    assert first.status == Invoice.Status.PAID
    saved = SavedMethod.objects.get()
    assert (saved.last4, saved.reference[:3]) == ("4242", "pm_")

    # when she pays everything else with the saved card
    page.goto(f"{signed_in}/pay/")
    expect(page.get_by_label("Visa •••• 4242")).to_be_checked()
    screenshot("portal-pay-stripe-saved-card")
    page.get_by_role("button", name="Pay", exact=True).click()

    # then both are paid by one payment through Stripe
    expect(page.locator("#outcome")).to_have_text(PAID)
    for invoice in others:
        invoice.refresh_from_db()
        assert invoice.status == Invoice.Status.PAID
    assert Payment.objects.count() == 2
    assert Checkout.objects.filter(gateway_transaction_id__startswith="pi_").count() == 2
    assert csp_violations == []
    pan_scan.assert_no_card_data(cvcs=["123"], logs=caplog.records)


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        ("4000 0000 0000 0341", "The card was declined."),
        ("4000 0000 0000 9995", "The card has insufficient funds."),
        ("4100 0000 0000 0019", "CP3003"),
    ],
    ids=["generic", "insufficient-funds", "fraud"],
)
def test_a_card_declined_at_the_charge_shows_its_message_and_changes_nothing(
    page: Page, signed_in: str, customer_a: Contact, screenshot: Any, number: str, shown: str
) -> None:
    invoice = sales.invoice(customer_a, "60.00")
    page.goto(f"{signed_in}/pay/?invoice={invoice.public_id}")
    type_stripe_card(page, number)
    page.get_by_role("button", name="Pay", exact=True).click()
    expect(page.locator("#failure")).to_contain_text(shown)
    if "0341" in number:
        screenshot("portal-pay-stripe-declined")
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.SENT and Payment.objects.count() == 0


def test_a_card_stripe_refuses_at_setup_shows_stripes_message_in_the_fields(
    page: Page, signed_in: str, customer_a: Contact, screenshot: Any
) -> None:
    invoice = sales.invoice(customer_a, "60.00")
    page.goto(f"{signed_in}/pay/?invoice={invoice.public_id}")
    type_stripe_card(page, "4000 0000 0000 0002", wait_for_token=False)
    fields = page.frame_locator('iframe[data-hosted-fields="card"]')
    expect(fields.get_by_role("alert")).to_have_text("Your card was declined.")
    expect(page.locator("input[name=token]")).to_have_value("")
    screenshot("portal-pay-stripe-setup-declined")
    assert Checkout.objects.count() == 0


def test_autopay_charges_a_saved_stripe_card(
    page: Page, signed_in: str, customer_a: Contact, screenshot: Any, csp_violations: list[str]
) -> None:
    # given she saved a card with Stripe on her payment methods page
    page.goto(f"{signed_in}/pay/methods")
    type_stripe_card(page, "4242 4242 4242 4242", wait_for_token=False)
    expect(page.locator("#saved-methods")).to_contain_text("4242")
    start = datetime.date(2026, 11, 1)
    sales.recurring_profile(customer_a, name="Hosting", start_date=start, autopay=True)

    # when the month's invoice is generated
    with transaction.atomic():
        (invoice,) = recurring_generate_due(today=start)

    # then Stripe charged the saved card off session, and she sees the autopay
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    done = Checkout.objects.get(autopay=True)
    assert done.saved_method == SavedMethod.objects.get()
    assert done.gateway_transaction_id.startswith("pi_")
    page.goto(f"{signed_in}/pay/methods")
    autopay = page.get_by_role("region", name="Automatic payments")
    expect(autopay).to_contain_text("Visa •••• 4242")
    screenshot("portal-autopay-stripe")
    assert csp_violations == []


def test_3d_secure_is_done_by_stripe_js_when_the_card_is_saved_then_autopay_charges_it(
    page: Page, signed_in: str, customer_a: Contact, screenshot: Any
) -> None:
    # given a card whose bank asks for 3-D Secure, saved on the payment methods page
    page.goto(f"{signed_in}/pay/methods")
    type_stripe_card(page, "4000 0025 0000 3155", wait_for_token=False)

    # when Stripe.js shows the bank's authentication and Ann completes it
    fields = page.frame_locator('iframe[data-hosted-fields="card"]')
    fields.get_by_role("button", name="Complete authentication").click()

    # then the card is saved, and autopay charges it off session without asking again
    expect(page.locator("#saved-methods")).to_contain_text("3155")
    start = datetime.date(2026, 11, 1)
    sales.recurring_profile(customer_a, name="Hosting", start_date=start, autopay=True)
    with transaction.atomic():
        (invoice,) = recurring_generate_due(today=start)
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert Checkout.objects.get(autopay=True).last4 == "3155"


def test_a_payment_the_bank_asks_to_confirm_is_confirmed_with_stripe_js_then_paid(
    page: Page, signed_in: str, customer_a: Contact, screenshot: Any, csp_violations: list[str]
) -> None:
    # given a card whose bank asks for 3-D Secure when it is entered and again when it is charged
    invoice = sales.invoice(customer_a, "75.00")
    page.goto(f"{signed_in}/pay/?invoice={invoice.public_id}")
    type_stripe_card(page, "4000 0025 0000 3155", wait_for_token=False)
    fields = page.frame_locator('iframe[data-hosted-fields="card"]')
    fields.get_by_role("button", name="Complete authentication").click()
    expect(page.locator("[data-token-status]")).to_contain_text("3155")

    # when Ann pays, the checkout page opens the bank's window (Stripe.js confirmCardPayment)
    page.get_by_role("button", name="Pay", exact=True).click()
    expect(page.locator("#outcome")).to_have_text("Your bank asks you to confirm this payment")
    expect(page.get_by_role("button", name="Complete authentication")).to_be_visible()
    screenshot("portal-pay-stripe-3d-secure-payment")
    assert Payment.objects.count() == 0

    # and she completes it: then the payment is booked and she sees it went through
    page.get_by_role("button", name="Complete authentication").click()
    expect(page.locator("#outcome")).to_have_text(PAID)
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID and Payment.objects.count() == 1
    assert csp_violations == []


def test_a_failed_3d_secure_gives_the_page_no_card(
    page: Page, signed_in: str, customer_a: Contact, screenshot: Any
) -> None:
    invoice = sales.invoice(customer_a, "60.00")
    page.goto(f"{signed_in}/pay/?invoice={invoice.public_id}")
    type_stripe_card(page, "4000 0025 0000 3155", wait_for_token=False)
    fields = page.frame_locator('iframe[data-hosted-fields="card"]')
    expect(fields.get_by_role("button", name="Fail authentication")).to_be_visible()
    screenshot("portal-pay-stripe-3d-secure")
    fields.get_by_role("button", name="Fail authentication").click()
    expect(fields.get_by_role("alert")).to_contain_text("authentication failed")
    expect(page.locator("input[name=token]")).to_have_value("")
    assert Checkout.objects.count() == 0
