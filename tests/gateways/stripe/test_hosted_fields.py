"""Stripe's hosted-fields page and its two endpoints; Pay now only where Stripe takes the invoice;
the sandbox only while SANDBOX_GATEWAY is on."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from portico.contacts.models import ContactPerson
from portico.orgs.models import GatewayAccount
from portico.payments.gateway_choice import gateways_offered
from portico.payments.gateways import registry
from portico.sales.models import Invoice
from tests.gateways.factories import GatewayAccountFactory
from tests.gateways.stripe.conftest import confirm_setup
from tests.localstripe import PUBLISHABLE_KEY, LocalStripe
from tests.portal.conftest import enable_with_password, portal_login
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db


def fields_url(account: GatewayAccount, what: str = "hosted-fields") -> str:
    return f"/stripe-gateway/v1/{what}/{account.public_id}"


def test_the_page_loads_stripe_js_in_a_frame_of_this_site_only(
    stripe_account: GatewayAccount, localstripe: LocalStripe
) -> None:
    response = Client().get(fields_url(stripe_account))
    assert response.status_code == 200
    page = response.content.decode()
    assert PUBLISHABLE_KEY in page and localstripe.js_url in page
    assert stripe_account.secret_key not in page
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and localstripe.url in policy
    assert "frame-ancestors 'self'" in policy


def test_an_unknown_or_inactive_account_has_no_fields(stripe_account: GatewayAccount) -> None:
    assert Client().get(f"/stripe-gateway/v1/hosted-fields/{uuid.uuid4()}").status_code == 404
    stripe_account.is_active = False
    stripe_account.save()
    assert Client().get(fields_url(stripe_account)).status_code == 404


def test_a_setup_intent_is_only_made_for_the_sites_own_page(
    stripe_account: GatewayAccount,
) -> None:
    client = Client(enforce_csrf_checks=True)
    refused = client.post(fields_url(stripe_account, "setup-intents"))
    assert refused.status_code == 403
    client.get(fields_url(stripe_account))
    token = client.cookies["csrftoken"].value
    made = client.post(fields_url(stripe_account, "setup-intents"), HTTP_X_CSRFTOKEN=token)
    assert made.status_code == 201 and made.json()["client_secret"].startswith("seti_")


def test_the_page_gets_the_card_of_a_confirmed_setup_and_nothing_else(
    stripe_account: GatewayAccount, org: Any, localstripe: LocalStripe
) -> None:
    client = Client()
    secret = client.post(fields_url(stripe_account, "setup-intents")).json()["client_secret"]
    setup_id = secret.split("_secret_")[0]
    # not confirmed yet: no card
    early = client.post(
        fields_url(stripe_account, "payment-methods"),
        {"setup_intent": setup_id},
        content_type="application/json",
    )
    assert early.status_code == 400
    # confirmed by Stripe.js: the id, brand, last 4 and expiry
    confirm_setup(localstripe, PUBLISHABLE_KEY, secret, "4242424242424242")
    answer = client.post(
        fields_url(stripe_account, "payment-methods"),
        {"setup_intent": setup_id},
        content_type="application/json",
    )
    assert answer.status_code == 201
    assert answer.json() == {
        "token": answer.json()["token"],
        "kind": "card",
        "brand": "Visa",
        "last4": "4242",
        "exp_month": 12,
        "exp_year": 2034,
    }
    # another account of the same Stripe keys does not get this account's setup
    other = GatewayAccount.objects.create(
        organisation=org,
        kind="stripe",
        display_name="Second",
        publishable_key=stripe_account.publishable_key,
        secret_key=stripe_account.secret_key,
    )
    foreign = client.post(
        fields_url(other, "payment-methods"),
        {"setup_intent": setup_id},
        content_type="application/json",
    )
    assert foreign.status_code == 400


def test_pay_now_shows_only_where_the_stripe_account_takes_the_invoice(
    stripe_account: GatewayAccount,
    customer_a: Any,
    customer_a_person: ContactPerson,
    org: Any,
    password: str,
) -> None:
    invoice: Invoice = sales.invoice(customer_a, "100.00")
    enable_with_password(customer_a_person, password)
    client = Client()
    assert portal_login(client, org, customer_a_person.email, password).status_code == 302
    url = f"/portal/{org.slug}/invoices/{invoice.public_id}"
    assert 'id="pay-now"' in client.get(url).content.decode()
    stripe_account.currencies = "EUR"
    stripe_account.save()
    assert 'id="pay-now"' not in client.get(url).content.decode()
    stripe_account.currencies = "USD"
    stripe_account.minimum_amount = invoice.balance_due + Decimal("1")
    stripe_account.save()
    assert 'id="pay-now"' not in client.get(url).content.decode()
    # Stripe's own smallest charge counts too: 0.40 USD is below Stripe's 0.50
    stripe_account.minimum_amount = Decimal("0")
    stripe_account.save()
    small = sales.invoice(customer_a, "0.30")
    assert small.balance_due < Decimal("0.50")
    small_url = f"/portal/{org.slug}/invoices/{small.public_id}"
    assert 'id="pay-now"' not in client.get(small_url).content.decode()


def test_the_sandbox_is_offered_only_while_it_is_switched_on(
    org: Any, customer_a: Any, settings: Any
) -> None:
    sandbox = GatewayAccountFactory(organisation=org)
    invoice = sales.invoice(customer_a, "10.00")
    assert gateways_offered(organisation=org, invoices=[invoice]) == [sandbox]
    settings.SANDBOX_GATEWAY = False
    assert "sandbox" not in registry.kinds() and "stripe" in registry.kinds()
    assert gateways_offered(organisation=org, invoices=[invoice]) == []


def test_card_testing_is_slowed_down_per_ip(stripe_account: GatewayAccount, settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "card-setup": (2, 3600)}
    client = Client()
    answers = [client.post(fields_url(stripe_account, "setup-intents")) for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 429]
    assert answers[-1].json()["error"]["code"] == "too_many_attempts"
