"""Connecting a Stripe account in the back office: keys checked (format, mode, a live call
against localstripe), stored encrypted, never shown again in full; each invoice offers Stripe,
the sandbox (in development) or both."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from portico.contacts.models import Contact
from portico.orgs.models import GatewayAccount, Organisation, Tax
from portico.payments.gateway_choice import gateways_offered
from portico.sales.models import Invoice
from tests.backoffice.admin.test_sales import inline
from tests.gateways.factories import GatewayAccountFactory
from tests.localstripe import PUBLISHABLE_KEY, SECRET_KEY, WEBHOOK_SECRET, LocalStripe

pytestmark = pytest.mark.django_db

FORM = {
    "display_name": "Stripe",
    "kind": "stripe",
    "is_active": "on",
    "publishable_key": PUBLISHABLE_KEY,
    "secret_key": SECRET_KEY,
    "webhook_secret": "",
    "currencies": "usd, eur",
    "minimum_amount": "0.50",
    "duplicate_window_minutes": "10",
    "reference_transactions_enabled": "on",
    "recurring_enabled": "on",
    "required_address_fields": "",
}


def add(client: Client, **changes: str) -> Any:
    return client.post(reverse("admin:orgs_gatewayaccount_add"), {**FORM, **changes})


def stored(account: GatewayAccount, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM orgs_gatewayaccount WHERE id = %s", [account.pk])  # noqa: S608
        return str(cursor.fetchone()[0])


def test_valid_keys_are_saved_encrypted_and_shown_masked_with_the_webhook_endpoint(
    owner_client: Client, org: Organisation, localstripe: LocalStripe, settings: Any
) -> None:
    # when the owner connects the account, then adds the webhook secret
    assert add(owner_client).status_code == 302
    account = GatewayAccount.objects.get(organisation=org)
    url = reverse("admin:orgs_gatewayaccount_change", args=[account.pk])
    response = owner_client.post(url, {**FORM, "secret_key": "", "webhook_secret": WEBHOOK_SECRET})
    assert response.status_code == 302

    # then both secrets are encrypted at rest and read back in plain text
    account.refresh_from_db()
    assert (account.secret_key, account.webhook_secret) == (SECRET_KEY, WEBHOOK_SECRET)
    for column, secret in (("secret_key", SECRET_KEY), ("webhook_secret", WEBHOOK_SECRET)):
        raw = stored(account, column)
        assert raw.startswith("fernet:") and secret not in raw
    # and the page shows them masked, with the endpoint to register at Stripe
    page = owner_client.get(url).content.decode()
    listing = owner_client.get(reverse("admin:orgs_gatewayaccount_changelist")).content.decode()
    assert SECRET_KEY not in page + listing and WEBHOOK_SECRET not in page
    assert f"sk_test_…{SECRET_KEY[-4:]}" in page
    assert f"{settings.SITE_URL}/payments/webhooks/stripe/{account.public_id}" in page


def test_keys_stripe_refuses_are_not_saved(owner_client: Client, localstripe: LocalStripe) -> None:
    response = add(owner_client, secret_key="sk_test_" + "Z" * 24)
    assert response.status_code == 200
    assert "CP3002" in response.content.decode()
    assert not GatewayAccount.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"publishable_key": "pk_sandbox_abcdefgh1234"}, "publishable_key"),
        ({"secret_key": "sk_live_abcdefgh12345678"}, "secret_key"),
        ({"webhook_secret": "secret-without-prefix"}, "webhook_secret"),
    ],
    ids=["publishable-format", "live-secret-with-test-publishable", "webhook-format"],
)
def test_keys_of_the_wrong_format_or_mode_are_field_errors(
    owner_client: Client, localstripe: LocalStripe, changes: dict[str, str], field: str
) -> None:
    response = add(owner_client, **changes)
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not GatewayAccount.objects.exists()


def test_a_secret_in_a_failed_request_is_never_in_the_page(
    owner_client: Client, localstripe: LocalStripe
) -> None:
    secret = "sk_test_" + "Y" * 24
    response = add(owner_client, secret_key=secret)
    assert secret not in response.content.decode()


def test_test_the_connection_asks_stripe(
    owner_client: Client, stripe_account: GatewayAccount
) -> None:
    response = owner_client.post(
        reverse("admin:orgs_gatewayaccount_changelist"),
        {"action": "test_connection", "_selected_action": [stripe_account.pk]},
        follow=True,
    )
    assert f"{stripe_account.display_name}: connected." in response.content.decode()


def invoice_form(contact: Contact, organisation: Organisation, *gateways: GatewayAccount) -> Any:
    vat = Tax.objects.get(organisation=organisation)
    return {
        "contact": contact.pk, "kind": "regular", "issue_date": "2026-11-02", "due_date": "",
        "discount": "0", "notes": "", "terms": "", "reference": "",
        "payment_gateways": [account.pk for account in gateways],
        **inline("lines", [{"description": "Design", "quantity": "1", "rate": "90",
                            "discount_percent": "0", "tax": vat.pk}]),
        **inline("attachments", []),
    }  # fmt: skip


def test_the_business_chooses_per_invoice_between_stripe_and_the_sandbox(
    owner_client: Client,
    org: Organisation,
    customer_a: Contact,
    stripe_account: GatewayAccount,
    settings: Any,
) -> None:
    sandbox = GatewayAccountFactory(organisation=org, display_name="Sandbox (test payments)")
    GatewayAccountFactory(organisation=org, display_name="Retired", is_active=False)
    add_url = reverse("admin:sales_invoice_add")

    def offered() -> set[str]:
        form = owner_client.get(add_url).context["adminform"].form
        return {account.display_name for account in form.fields["payment_gateways"].queryset}

    # in development the invoice form offers Stripe and the sandbox, never an inactive account
    assert offered() == {"Stripe", "Sandbox (test payments)"}

    # when the business adds one invoice paid through Stripe, one through the sandbox
    for account in (stripe_account, sandbox):
        response = owner_client.post(add_url, invoice_form(customer_a, org, account))
        assert response.status_code == 302, response.content[:2000]

    # then each is paid through its own gateway, and the two cannot be paid in one charge
    by_stripe, by_sandbox = Invoice.objects.order_by("pk")
    assert gateways_offered(organisation=org, invoices=[by_stripe]) == [stripe_account]
    assert gateways_offered(organisation=org, invoices=[by_sandbox]) == [sandbox]
    assert gateways_offered(organisation=org, invoices=[by_stripe, by_sandbox]) == []

    # in production (SANDBOX_GATEWAY off) only Stripe is offered; a sandbox tick is refused
    settings.SANDBOX_GATEWAY = False
    assert offered() == {"Stripe"}
    refused = owner_client.post(add_url, invoice_form(customer_a, org, sandbox))
    assert refused.status_code == 200
    assert "payment_gateways" in refused.context["adminform"].form.errors
    assert Invoice.objects.count() == 2
