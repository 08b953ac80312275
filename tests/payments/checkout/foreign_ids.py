"""Makers of a checkout and a saved method of some other customer, for the portal's
URL-walking tenancy test (tests/portal/test_tenancy_walk.py)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from portico.contacts.models import ContactPerson
from portico.payments.models import Checkout, SavedMethod
from tests.gateways.factories import GatewayAccountFactory


def _account(person: ContactPerson) -> Any:
    return GatewayAccountFactory(organisation=person.organisation)


def a_checkout_of(world: Any, person: ContactPerson) -> Any:
    checkout = Checkout.objects.create(
        organisation=person.organisation,
        contact=person.contact,
        person=person,
        gateway_account=_account(person),
        amount=Decimal("10.00"),
        currency=person.contact.currency,
        idempotency_key=uuid.uuid4().hex,
        state=Checkout.State.FAILED,
    )
    return checkout.public_id


def a_saved_method_of(world: Any, person: ContactPerson) -> Any:
    method = SavedMethod.objects.create(
        organisation=person.organisation,
        contact=person.contact,
        gateway_account=_account(person),
        reference=f"pm_{uuid.uuid4().hex}",
        kind="card",
        brand="visa",
        last4="4242",
        exp_month=12,
        exp_year=2034,
    )
    return method.public_id


def an_autopay_profile_of(world: Any, person: ContactPerson) -> Any:
    from tests.sales import factories as sales

    return sales.recurring_profile(person.contact, autopay=True).public_id
