"""Paying in the browser as a customer with 500 open invoices: one from its page, then all of
the rest from home's "Pay all", paging and searching on the way, with the choice kept; and a
payment left unknown by a crash, shown as being confirmed until reconciled."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from portico.contacts.models import Contact, ContactPerson
from portico.contacts.scope import PortalScope
from portico.orgs.models import GatewayAccount, Organisation
from portico.payments import reconcile
from portico.payments.checkout import services as checkout_services
from portico.payments.models import Checkout, Payment
from portico.sales.models import Invoice
from tests.e2e.portal_pages_support import log_in, no_horizontal_scroll, phone_screenshot
from tests.e2e.test_checkout_journeys import type_card
from tests.gateways.conftest import CARD_DEFAULTS
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


def test_a_customer_with_500_open_invoices_pays_one_then_all(
    page: Page,
    browser: Any,
    signed_in: str,
    account: GatewayAccount,
    customer_a: Contact,
    screenshot: Any,
    csp_violations: list[str],
) -> None:
    # given 500 open invoices, one of which must be paid in full
    invoices = [sales.invoice(customer_a, "10.00") for _ in range(500)]
    Invoice.objects.filter(pk=invoices[1].pk).update(allow_partial_payment=False)
    one = invoices[123]
    summary = page.locator("#chosen-summary [role=status]")

    # when Ann pays one of them from its page
    page.goto(f"{signed_in}/invoices/{one.public_id}")
    page.locator("#pay-now").click()
    expect(summary).to_contain_text("1 of 500 open invoices chosen")
    expect(summary).to_contain_text("$10.00")
    type_card(page, "4242 4242 4242 4242")
    page.get_by_role("button", name="Pay", exact=True).click()

    # then that one is paid
    expect(page.locator("#outcome")).to_have_text("Thank you, your payment went through.")
    one.refresh_from_db()
    assert one.status == Invoice.Status.PAID

    # when she then uses "Pay all" on home
    page.goto(f"{signed_in}/")
    page.get_by_role("link", name="Pay all").click()
    expect(summary).to_contain_text("499 of 499 open invoices chosen")
    expect(page.locator("#pay-pages")).to_contain_text("1–25 of 499")
    expect(page.locator("[data-full-only]")).to_have_count(1)
    expect(page.locator("#full-only-note")).to_be_visible()
    screenshot("portal-pay-many")
    phone = phone_screenshot(browser, page, page.url, "portal-pay-many-phone")
    assert no_horizontal_scroll(phone)
    phone.context.close()

    # and leaves one out on page 2, finds another by its number and leaves it out too
    page.get_by_role("link", name="Next").click()
    expect(page.locator("#pay-pages")).to_contain_text("26–50 of 499")
    second_page_first = page.locator("input[data-choose]").first
    second_page_first.uncheck()
    expect(summary).to_contain_text("498 of 499")
    wanted = invoices[400]
    page.get_by_label("Find an invoice by number or reference").fill(wanted.number)
    page.get_by_role("button", name="Find").click()
    expect(page.locator("input[data-choose]")).to_have_count(1)
    page.locator(f'input[data-choose][value="{wanted.public_id}"]').uncheck()
    expect(summary).to_contain_text("497 of 499")
    expect(summary).to_contain_text("$4,970.00")
    page.get_by_role("link", name="Show all").click()
    page.get_by_role("link", name="Next").click()
    expect(page.locator("input[data-choose]").first).not_to_be_checked()
    # and changes her mind about the first one (the choice survived paging and searching)
    page.locator("input[data-choose]").first.check()
    expect(summary).to_contain_text("498 of 499")
    type_card(page, "5555 5555 5555 4444")
    page.get_by_role("button", name="Pay", exact=True).click()

    # then all but the one left out are paid, by one payment of the whole sum
    expect(page.locator("#outcome")).to_have_text("Thank you, your payment went through.")
    screenshot("portal-pay-many-succeeded")
    open_left = Invoice.objects.filter(contact=customer_a).exclude(status=Invoice.Status.PAID)
    assert list(open_left) == [wanted]
    assert Payment.objects.order_by("pk").last().amount == Decimal("4980.00")  # type: ignore[union-attr]
    assert csp_violations == []


def test_a_refusal_is_shown_next_to_the_amount(
    page: Page,
    signed_in: str,
    account: GatewayAccount,
    customer_a: Contact,
    screenshot: Any,
) -> None:
    for _ in range(30):
        sales.invoice(customer_a, "10.00")
    page.goto(f"{signed_in}/pay/?all=1")
    page.get_by_label("Amount").fill("5000")
    type_card(page, "4242 4242 4242 4242")
    page.get_by_role("button", name="Pay", exact=True).click()
    expect(page.locator("#id_amount_errors")).to_have_text(
        "The amount is more than the $300.00 due."
    )
    expect(page.get_by_label("Amount")).to_have_value("5000")
    screenshot("portal-pay-amount-refused")
    assert Payment.objects.count() == 0


def test_a_payment_left_unknown_shows_being_confirmed_until_reconciled(
    page: Page,
    browser: Any,
    signed_in: str,
    account: GatewayAccount,
    org: Organisation,
    customer_a: Contact,
    customer_a_person: ContactPerson,
    screenshot: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given a card charged for an invoice, and a crash before the payment was recorded
    invoice = sales.invoice(customer_a, "75.00")
    sales.invoice(customer_a, "40.00")
    data = {**CARD_DEFAULTS, "number": "4242424242424242", "account": account.publishable_key}
    token = Client().post("/sandbox-gateway/v1/tokens", data).json()["token"]

    def crash(**kwargs: Any) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(checkout_services, "checkout_apply_result", crash)
    done = checkout_services.checkout_start(
        scope=PortalScope(organisation=org, contact=customer_a, person=customer_a_person),
        invoices=[invoice],
        idempotency_key="crashed-once",
        token=token,
    )
    monkeypatch.undo()
    assert done.state == Checkout.State.UNKNOWN

    # then the customer sees it being confirmed, not unpaid, on the list, its page and home
    page.goto(f"{signed_in}/invoices")
    row = page.get_by_role("row").filter(has_text=invoice.number)
    expect(row).to_contain_text("Payment being confirmed")
    screenshot("portal-invoices-being-confirmed")
    phone = phone_screenshot(
        browser,
        page,
        f"{signed_in}/invoices/{invoice.public_id}",
        "portal-invoice-being-confirmed-phone",
    )
    expect(phone.locator("#payment-confirming")).to_be_visible()
    expect(phone.locator("#pay-now")).to_have_count(0)
    assert no_horizontal_scroll(phone)
    phone.context.close()
    page.goto(f"{signed_in}/")
    expect(page.locator("#payment-confirming")).to_contain_text("being confirmed")

    # when reconcile asks the gateway, the invoice is paid
    reconcile.checkouts_reconcile()
    page.goto(f"{signed_in}/invoices/{invoice.public_id}")
    expect(page.locator("#payment-confirming")).to_have_count(0)
    expect(page.locator("h1")).to_contain_text("Paid")
