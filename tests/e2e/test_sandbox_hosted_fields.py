"""The sandbox's hosted card fields in a frame: the page around them receives only a token."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from portico.orgs.models import Organisation
from portico.payments.gateways.sandbox.models import Token
from tests.gateways.factories import GatewayAccountFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_typing_a_card_in_the_frame_hands_the_page_a_token(
    page: Page,
    live_server: Any,
    settings: Any,
    org: Organisation,
    screenshot: Any,
    csp_violations: list[str],
) -> None:
    # given a sandbox account and a page that embeds its hosted fields
    settings.SITE_URL = live_server.url
    account = GatewayAccountFactory(organisation=org)
    page.goto(f"{live_server.url}/sandbox-gateway/v1/try?account={account.publishable_key}")
    fields = page.frame_locator("iframe[data-sandbox-fields]")

    # when a card is typed into the frame and used
    fields.get_by_label("Name on card").fill("Ada Customer")
    fields.get_by_label("Card number").fill("4242 4242 4242 4242")
    fields.get_by_label("Expiry month (MM)").fill("12")
    fields.get_by_label("Expiry year (YY)").fill("34")
    fields.get_by_label("Security code (CVC)").fill("123")
    fields.get_by_label("Postal code").fill("94105")
    screenshot("sandbox-hosted-fields-filled")
    fields.get_by_role("button", name="Use this card").click()

    # then the page got the token, brand, last 4 and expiry through postMessage
    token = page.locator('[data-sandbox-out="token"]')
    expect(token).to_have_text(re.compile(r"^tok_\w+$"))
    expect(page.locator('[data-sandbox-out="brand"]')).to_have_text("visa")
    expect(page.locator('[data-sandbox-out="last4"]')).to_have_text("4242")
    expect(page.locator('[data-sandbox-out="expiry"]')).to_have_text("12/2034")
    assert token.inner_text() == Token.objects.get().token_id
    # and the frame forgot the number and the code
    expect(fields.get_by_label("Card number")).to_have_value("")
    expect(fields.get_by_label("Security code (CVC)")).to_have_value("")
    screenshot("sandbox-hosted-fields-token")
    assert csp_violations == []


def test_a_mistyped_card_shows_the_errors_in_the_frame(
    page: Page, live_server: Any, settings: Any, org: Organisation
) -> None:
    settings.SITE_URL = live_server.url
    account = GatewayAccountFactory(organisation=org)
    page.goto(
        f"{live_server.url}/sandbox-gateway/v1/hosted-fields?account={account.publishable_key}"
    )

    page.get_by_label("Card number").fill("4242 4242 4242 4241")
    page.get_by_label("Expiry month (MM)").fill("13")
    page.get_by_label("Expiry year (YY)").fill("34")
    page.get_by_label("Security code (CVC)").fill("12")
    page.get_by_role("button", name="Use this card").click()

    expect(page.get_by_text("Enter a valid card number.")).to_be_visible()
    expect(page.get_by_text("Enter the expiry month (1–12).")).to_be_visible()
    expect(page.get_by_text("Enter the 3-digit security code.")).to_be_visible()
    assert not Token.objects.exists()


def test_a_bank_account_typed_in_the_frame_hands_the_page_a_token(
    page: Page, live_server: Any, settings: Any, org: Organisation, screenshot: Any
) -> None:
    settings.SITE_URL = live_server.url
    account = GatewayAccountFactory(organisation=org)
    page.goto(
        f"{live_server.url}/sandbox-gateway/v1/try?account={account.publishable_key}&kind=bank"
    )
    fields = page.frame_locator("iframe[data-sandbox-fields]")

    fields.get_by_label("Account holder").fill("Ben Harbor")
    fields.get_by_label("Routing number").fill("110000000")
    fields.get_by_label("Account number").fill("000123456789")
    fields.get_by_role("button", name="Use this bank account").click()

    expect(page.locator('[data-sandbox-out="token"]')).to_have_text(re.compile(r"^tok_\w+$"))
    expect(page.locator('[data-sandbox-out="last4"]')).to_have_text("6789")
    expect(fields.get_by_label("Account number")).to_have_value("")
    screenshot("sandbox-hosted-fields-bank")
