"""Demo step: a sandbox gateway account for Demo Studio, with fixed keys."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings

from portico.devdata.demo.context import DemoContext
from portico.orgs.models import GatewayAccount
from portico.payments.gateways.sandbox import processor

DEMO_PUBLIC_KEY = "pk_sandbox_DemoStudio0000000001"
DEMO_SECRET_KEY = "sk_sandbox_DemoStudio0000000001"  # noqa: S105 — a sandbox test key


def load(context: DemoContext) -> None:
    organisation = context.organisation
    assert organisation is not None, "the orgs step runs first"
    keys = processor.account_open(public_key=DEMO_PUBLIC_KEY, secret_key=DEMO_SECRET_KEY)
    account = GatewayAccount.objects.filter(organisation=organisation, kind="sandbox").first()
    if account is None:
        GatewayAccount.objects.create(
            organisation=organisation,
            kind="sandbox",
            display_name="Sandbox",
            publishable_key=keys["public_key"],
            secret_key=keys["secret_key"],
            webhook_secret=keys["webhook_secret"],
            currencies="USD,EUR,GBP,CAD",
            minimum_amount=Decimal("0.50"),
        )
        context.say("created the sandbox payment gateway for Demo Studio")
    context.logins.append(
        (
            "Sandbox card fields",
            f"{settings.SITE_URL}/sandbox-gateway/v1/try?account={keys['public_key']}",
            "card 4242 4242 4242 4242, any future expiry, any 3-digit code",
        )
    )
