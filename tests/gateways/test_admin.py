"""Gateway accounts in the back office: secrets write-only, sandbox keys on the spot,
and the test-connection action."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from portico.orgs.models import GatewayAccount, Organisation
from portico.payments.gateways.sandbox.models import SandboxAccount

pytestmark = pytest.mark.django_db

FORM = {
    "display_name": "Cards",
    "kind": "sandbox",
    "is_active": "on",
    "publishable_key": "",
    "secret_key": "",
    "webhook_secret": "",
    "currencies": "usd, eur",
    "minimum_amount": "1.00",
    "duplicate_window_minutes": "10",
    "reference_transactions_enabled": "on",
    "recurring_enabled": "on",
    "required_address_fields": "postal_code",
}


def test_a_sandbox_account_added_without_keys_gets_a_new_sandbox_account(
    owner_client: Client, org: Organisation
) -> None:
    response = owner_client.post(reverse("admin:orgs_gatewayaccount_add"), FORM)

    assert response.status_code == 302, response.context["adminform"].form.errors
    account = GatewayAccount.objects.get(organisation=org)
    assert account.publishable_key.startswith("pk_sandbox_")
    assert account.secret_key.startswith("sk_sandbox_")
    assert account.currency_list == ["USD", "EUR"]
    assert SandboxAccount.objects.filter(secret_key=account.secret_key).exists()


def test_the_secret_key_is_never_shown_back_and_an_empty_field_keeps_it(
    owner_client: Client, sandbox_account: GatewayAccount
) -> None:
    url = reverse("admin:orgs_gatewayaccount_change", args=[sandbox_account.pk])
    secret = sandbox_account.secret_key

    page = owner_client.get(url).content.decode()
    listing = owner_client.get(reverse("admin:orgs_gatewayaccount_changelist")).content.decode()

    assert secret not in page and secret not in listing
    assert sandbox_account.webhook_secret not in page
    assert f"sk_sandbox_…{secret[-4:]}" in page
    response = owner_client.post(
        url,
        {**FORM, "display_name": "Renamed", "publishable_key": sandbox_account.publishable_key},
    )
    assert response.status_code == 302
    sandbox_account.refresh_from_db()
    assert (sandbox_account.display_name, sandbox_account.secret_key) == ("Renamed", secret)


def test_unknown_currencies_and_address_fields_are_refused(
    owner_client: Client, org: Organisation
) -> None:
    response = owner_client.post(
        reverse("admin:orgs_gatewayaccount_add"),
        {**FORM, "currencies": "USD,XYZ", "required_address_fields": "postal_code,shoe_size"},
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert {"currencies", "required_address_fields"} <= set(errors)
    assert not GatewayAccount.objects.exists()


def test_test_connection_reports_success_and_cp3002(
    owner_client: Client, sandbox_account: GatewayAccount, org: Organisation
) -> None:
    broken = GatewayAccount.objects.create(
        organisation=org,
        kind="sandbox",
        display_name="Broken",
        publishable_key=sandbox_account.publishable_key,
        secret_key="sk_sandbox_" + "Q" * 20,
    )

    response = owner_client.post(
        reverse("admin:orgs_gatewayaccount_changelist"),
        {"action": "test_connection", "_selected_action": [sandbox_account.pk, broken.pk]},
        follow=True,
    )

    text = response.content.decode()
    assert f"{sandbox_account.display_name}: connected." in text
    assert "Broken: CP3002" in text


def test_a_teammate_may_not_change_gateway_accounts(
    teammate_client: Client, sandbox_account: GatewayAccount
) -> None:
    response = teammate_client.post(reverse("admin:orgs_gatewayaccount_add"), FORM)

    assert response.status_code == 403
