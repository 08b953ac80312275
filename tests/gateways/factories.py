from __future__ import annotations

from decimal import Decimal
from typing import Any

import factory

from portico.orgs.models import GatewayAccount
from portico.payments.gateways.sandbox import processor
from tests.orgs.factories import OrganisationFactory


def _keys(account: Any) -> dict[str, str]:
    return processor.account_open()


class GatewayAccountFactory(factory.django.DjangoModelFactory):
    """A business's sandbox account, with a real account at the simulated processor."""

    class Meta:
        model = GatewayAccount
        exclude = ["keys"]

    organisation = factory.SubFactory(OrganisationFactory)
    kind = "sandbox"
    display_name = factory.Sequence(lambda n: f"Sandbox {n}")
    keys = factory.LazyAttribute(_keys)
    publishable_key = factory.LazyAttribute(lambda o: o.keys["public_key"])
    secret_key = factory.LazyAttribute(lambda o: o.keys["secret_key"])
    webhook_secret = factory.LazyAttribute(lambda o: o.keys["webhook_secret"])
    currencies = "USD,EUR"
    minimum_amount = Decimal("0.50")
    duplicate_window_minutes = 10
    required_address_fields = ""
