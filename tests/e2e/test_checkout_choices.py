"""Paying in the browser, beyond the basics: choosing the payment service an invoice offers,
and autopay — the customer sees what is charged automatically and turns it off."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import transaction
from playwright.sync_api import Page, expect

from portico.contacts.models import Contact, ContactPerson
from portico.orgs.models import GatewayAccount, Organisation
from portico.payments.models import Checkout, SavedMethod
from portico.sales.models import Invoice
from portico.sales.services import recurring_generate_due
from tests.e2e.portal_pages_support import log_in
from tests.e2e.test_checkout_journeys import type_card
from tests.gateways.factories import GatewayAccountFactory
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def signed_in(
    page: Page, live_server: Any, customer_a_person: ContactPerson, password: str, settings: Any
) -> str:
    settings.SITE_URL = live_server.url
    log_in(page, live_server.url, customer_a_person, password)
    return f"{live_server.url}/portal/{customer_a_person.organisation.slug}"


def test_the_customer_picks_the_payment_service_and_pays_through_it(
    page: Page, signed_in: str, org: Organisation, customer_a: Contact, screenshot: Any
) -> None:
    # given an invoice that offers two of the business's three gateways
    GatewayAccountFactory(organisation=org, display_name="Card service A")
    chosen = GatewayAccountFactory(organisation=org, display_name="Card service B")
    not_offered = GatewayAccountFactory(organisation=org, display_name="Card service C")
    invoice = sales.invoice(customer_a, "75.00")
    invoice.payment_gateways.set(GatewayAccount.objects.exclude(pk=not_offered.pk))

    # when she opens Pay now, picks service B and pays by card
    page.goto(f"{signed_in}/invoices/{invoice.public_id}")
    page.locator("#pay-now").click()
    choice = page.get_by_role("navigation", name="Payment service")
    expect(choice).to_contain_text("Card service A")
    expect(choice).not_to_contain_text("Card service C")
    choice.get_by_role("link", name="Card service B").click()
    expect(choice.get_by_role("link", name="Card service B")).to_have_attribute(
        "aria-current", "true"
    )
    type_card(page, "4242 4242 4242 4242")
    screenshot("portal-pay-choose-gateway")
    page.get_by_role("button", name="Pay", exact=True).click()

    # then it went through service B
    expect(page.locator("#outcome")).to_have_text("Thank you, your payment went through.")
    assert Checkout.objects.get().gateway_account == chosen
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID


def test_autopay_charges_the_saved_card_and_the_customer_turns_it_off(
    page: Page,
    signed_in: str,
    org: Organisation,
    customer_a: Contact,
    screenshot: Any,
    csp_violations: list[str],
) -> None:
    # given she saved a card, and the business bills her hosting monthly by autopay
    GatewayAccountFactory(organisation=org, duplicate_window_minutes=0)
    page.goto(f"{signed_in}/pay/methods")
    type_card(page, "4242 4242 4242 4242", wait_for_token=False)  # the page saves it at once
    expect(page.locator("#saved-methods")).to_contain_text("4242")
    start = datetime.date(2026, 11, 1)
    profile = sales.recurring_profile(customer_a, name="Hosting", start_date=start, autopay=True)

    # when the month's invoice is generated
    with transaction.atomic():
        (invoice,) = recurring_generate_due(today=start)

    # then it is paid with the saved card, and she sees it
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert Checkout.objects.get(autopay=True).saved_method == SavedMethod.objects.get()
    page.goto(f"{signed_in}/invoices/{invoice.public_id}")
    expect(page.locator("#pay-now")).to_have_count(0)
    page.goto(f"{signed_in}/pay/methods")
    autopay = page.get_by_role("region", name="Automatic payments")
    expect(autopay).to_contain_text("Hosting")
    expect(autopay).to_contain_text("Visa •••• 4242")
    screenshot("portal-autopay")

    # when she turns it off
    autopay.get_by_role("button", name="Turn off autopay for Hosting").click()

    # then she is told, and the business will not charge the next one
    expect(page.get_by_role("alert").or_(page.locator(".alert-success"))).to_contain_text(
        "Autopay is off"
    )
    expect(page.get_by_role("region", name="Automatic payments")).to_have_count(0)
    profile.refresh_from_db()
    assert not profile.autopay
    assert csp_violations == []
