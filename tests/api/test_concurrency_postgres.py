"""Two API checkouts with the same Idempotency-Key at the same moment (PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from portico.contacts.models import Contact
from portico.orgs.models import GatewayAccount, Organisation
from portico.payments.gateways.sandbox.models import Charge
from portico.payments.models import Checkout, Payment
from portico.sales.models import Invoice
from tests.api.conftest import Api
from tests.concurrency import all_at_once
from tests.payments.checkout.conftest import Tokenise
from tests.sales import factories as sales


def is_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]


def test_the_same_key_posted_twice_at_once_charges_once(
    portal: Api,
    org: Organisation,
    customer_a: Contact,
    sandbox_account: GatewayAccount,
    tokenise: Tokenise,
) -> None:
    # given one checkout request sent twice at the same moment with one key
    invoice = sales.invoice(customer_a, "100.00")
    body = {"invoices": [{"id": str(invoice.public_id)}], "token": tokenise()}

    def post(_: int) -> Any:
        return Api(portal.token).post(
            f"/portal/{org.slug}/checkouts", body, headers={"Idempotency-Key": "same-key"}
        )

    # when
    results, errors = all_at_once(2, post)
    # then one charge; each answer is that checkout or "still running"
    assert errors == []
    answers = sorted(r.status_code for r in results)
    assert answers in ([201, 201], [201, 409]), [r.content for r in results]
    assert Charge.objects.count() == 1 and Payment.objects.count() == 1
    checkout = Checkout.objects.get()
    assert all(r.json()["id"] == str(checkout.public_id) for r in results if r.status_code == 201)
    conflict = [r.json() for r in results if r.status_code == 409]
    assert all(c["error"]["code"] == "request_in_progress" for c in conflict)
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    # and a later replay answers the first checkout
    replay = post(0)
    assert replay.status_code == 201 and replay.json()["id"] == str(checkout.public_id)
