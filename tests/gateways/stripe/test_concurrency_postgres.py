"""Two tabs paying the same invoice through Stripe at once (PostgreSQL row locks, localstripe)."""

from __future__ import annotations

import uuid

import pytest
from django.conf import settings

from portico.contacts.scope import PortalScope
from portico.payments.checkout import services as checkout
from portico.payments.gateways.stripe.adapter import METADATA_CHECKOUT, client_for
from portico.payments.models import Checkout, Payment
from portico.sales.models import Invoice
from tests.concurrency import all_at_once
from tests.gateways.stripe.conftest import Card
from tests.localstripe import SECRET_KEY
from tests.sales import factories as sales


def is_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]


def intents_for(done: Checkout) -> list[str]:
    """The PaymentIntents Stripe holds for one checkout's key."""
    found = client_for(SECRET_KEY).v1.payment_intents.search(
        params={"query": f"metadata['{METADATA_CHECKOUT}']:'checkout:{done.public_id}'"}
    )
    return [intent.status for intent in found.data]


def test_two_tabs_paying_the_same_invoice_charge_stripe_once(
    scope: PortalScope, customer_a: object, card: Card
) -> None:
    # given one invoice open in two tabs, each with its own card and form
    invoice = sales.invoice(customer_a, "250.00")
    tokens = [card().reference, card("5555555555554444").reference]

    # when both press Pay at the same moment
    results, errors = all_at_once(
        2,
        lambda i: checkout.checkout_start(
            scope=scope, invoices=[invoice], idempotency_key=uuid.uuid4().hex, token=tokens[i]
        ),
    )

    # then one was charged at Stripe and posted; the other was told why, uncharged
    assert [c.state for c in results] == [Checkout.State.SUCCEEDED]
    assert [getattr(e, "code", repr(e)) for e in errors] in (["in_progress"], ["already_paid"])
    assert intents_for(results[0]) == ["succeeded"]
    assert Checkout.objects.count() == 1 and Payment.objects.count() == 1
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID and invoice.balance_due == 0


def test_one_form_submitted_twice_at_once_makes_one_payment_intent(
    scope: PortalScope, customer_a: object, card: Card
) -> None:
    invoice = sales.invoice(customer_a, "90.00")
    token = card().reference
    results, errors = all_at_once(
        4,
        lambda _: checkout.checkout_start(
            scope=scope, invoices=[invoice], idempotency_key="same-form", token=token
        ),
    )
    assert errors == []
    done = Checkout.objects.get()
    assert {c.pk for c in results} == {done.pk}
    assert intents_for(done) == ["succeeded"] and Payment.objects.count() == 1
