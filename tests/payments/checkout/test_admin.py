"""The back office lists checkouts with their state and code, and reconciles them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from portico.payments.checkout import services as checkout
from portico.payments.models import Checkout, Payment
from portico.sales.models import Invoice
from tests.payments.checkout.conftest import Tokenise

pytestmark = pytest.mark.django_db


def test_the_list_shows_the_state_and_error_code(
    owner_client: Client, pay: Any, invoice: Invoice, tokenise: Tokenise
) -> None:
    pay([invoice], token=tokenise("4100000000000019"))
    response = owner_client.get("/admin/payments/checkout/")
    assert response.status_code == 200
    assert "CP3003" in response.content.decode()


def test_the_reconcile_action_posts_an_unknown_checkout_once(
    owner_client: Client,
    pay: Any,
    invoice: Invoice,
    tokenise: Tokenise,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def crash(**kwargs: Any) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(checkout, "checkout_apply_result", crash)
    done = pay([invoice], token=tokenise())
    monkeypatch.undo()
    data = {"action": "reconcile", "_selected_action": [done.pk]}
    for _ in range(2):
        response = owner_client.post("/admin/payments/checkout/", data)
        assert response.status_code == 302
    done.refresh_from_db()
    assert done.state == Checkout.State.SUCCEEDED
    assert Payment.objects.count() == 1


def test_an_invoice_offers_a_choice_of_the_businesss_own_gateways(
    owner_client: Client, invoice: Invoice, sandbox_account: Any, other_org: Any
) -> None:
    from tests.gateways.factories import GatewayAccountFactory

    GatewayAccountFactory(organisation=other_org, display_name="Not yours")
    response = owner_client.get(f"/admin/sales/invoice/{invoice.pk}/change/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="payment_gateways"' in html and sandbox_account.display_name in html
    assert "Not yours" not in html


def test_a_recurring_profile_shows_what_autopay_charges(
    owner_client: Client, customer_a: Any
) -> None:
    from tests.sales import factories as sales

    profile = sales.recurring_profile(customer_a, autopay=True)
    response = owner_client.get(f"/admin/sales/recurringprofile/{profile.pk}/change/")
    html = response.content.decode()
    assert 'name="autopay"' in html and "No default saved method yet" in html


def test_the_settings_let_the_business_keep_autopay_on(owner_client: Client) -> None:
    response = owner_client.get("/admin/payments/checkoutsettings/add/")
    assert 'name="customers_may_turn_off_autopay"' in response.content.decode()
