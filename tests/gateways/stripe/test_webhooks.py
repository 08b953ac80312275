"""Stripe's webhooks: signed with the account's secret, each event once, settling only what
matches the checkout."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.servers.basehttp import WSGIServer
from django.db import connections
from django.test import Client
from django.test.testcases import LiveServerThread, QuietWSGIRequestHandler, _StaticFilesHandler

from portico.activity.models import Notification
from portico.orgs.models import GatewayAccount
from portico.payments import ledger
from portico.payments.checkout import services as checkout_services
from portico.payments.gateways.stripe.adapter import EVENTS
from portico.payments.models import (
    Checkout,
    CustomerCredit,
    Payment,
    Refund,
    WebhookEventReceipt,
)
from portico.sales.models import Invoice
from tests.gateways.stripe.conftest import Card, Pay, sign, stripe_event
from tests.localstripe import OTHER_SECRET_KEY, WEBHOOK_SECRET, LocalStripe
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db

State = Checkout.State


def post(account: GatewayAccount, event: dict[str, Any], **signing: Any) -> Any:
    payload = json.dumps(event).encode()
    secret = signing.pop("secret", WEBHOOK_SECRET)
    return Client().post(
        f"/payments/webhooks/stripe/{account.public_id}",
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(payload, secret, **signing),
    )


@pytest.fixture
def invoice(customer_a: Any) -> Invoice:
    return sales.invoice(customer_a, "100.00")


@pytest.fixture
def left_unknown(
    pay: Pay, invoice: Invoice, card: Card, monkeypatch: pytest.MonkeyPatch
) -> Checkout:
    """A checkout charged at Stripe whose answer was lost (a crash before posting)."""

    def crash(**kwargs: Any) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(checkout_services, "checkout_apply_result", crash)
    done = pay([invoice], token=card().reference)
    monkeypatch.undo()
    assert done.state == State.UNKNOWN
    return done


def test_a_succeeded_event_settles_a_checkout_once_and_a_replay_changes_nothing(
    stripe_account: GatewayAccount, left_unknown: Checkout, invoice: Invoice
) -> None:
    # given the event Stripe sends for the charge
    intent_id = Checkout.objects.get().gateway_transaction_id or _intent_of(left_unknown)
    event = stripe_event(intent_id, "payment_intent.succeeded")

    # when it arrives, and again (Stripe retries)
    first = post(stripe_account, event)
    replay = post(stripe_account, event)

    # then the payment is posted once
    assert (first.status_code, first.content) == (200, b"ok")
    assert (replay.status_code, replay.content) == (200, b"duplicate")
    left_unknown.refresh_from_db()
    invoice.refresh_from_db()
    assert left_unknown.state == State.SUCCEEDED and invoice.status == Invoice.Status.PAID
    assert Payment.objects.count() == 1 and WebhookEventReceipt.objects.count() == 1


def _intent_of(done: Checkout) -> str:
    from portico.payments.gateways import registry

    found = registry.gateway_for(done.gateway_account).retrieve_charge(
        idempotency_key=f"checkout:{done.public_id}"
    )
    assert found is not None
    return found.transaction_id


@pytest.mark.parametrize(
    ("signing", "account_known"),
    [
        ({"secret": "whsec_someoneelse0secret"}, True),
        ({"timestamp": int(time.time()) - 301}, True),
        ({}, False),
    ],
    ids=["bad-signature", "older-than-5-minutes", "unknown-account"],
)
def test_a_bad_signature_an_old_event_or_an_unknown_account_is_400_and_changes_nothing(
    stripe_account: GatewayAccount,
    left_unknown: Checkout,
    signing: dict[str, Any],
    account_known: bool,
) -> None:
    event = stripe_event(_intent_of(left_unknown), "payment_intent.succeeded")
    if not account_known:
        stripe_account.is_active = False
        stripe_account.save()
    response = post(stripe_account, event, **signing)
    assert response.status_code == 400
    left_unknown.refresh_from_db()
    assert left_unknown.state == State.UNKNOWN
    assert Payment.objects.count() == 0 and WebhookEventReceipt.objects.count() == 0


def test_a_failure_arriving_after_the_success_changes_nothing(
    pay: Pay, invoice: Invoice, card: Card, stripe_account: GatewayAccount
) -> None:
    # given a checkout that succeeded
    done = pay([invoice], token=card().reference)
    assert done.state == State.SUCCEEDED
    # when the events arrive out of order: success, then an older failure of the intent
    post(stripe_account, stripe_event(done.gateway_transaction_id, "payment_intent.succeeded"))
    stale = stripe_event(
        done.gateway_transaction_id,
        "payment_intent.payment_failed",
        status="requires_payment_method",
        last_payment_error={"code": "card_declined", "decline_code": "insufficient_funds"},
    )
    assert post(stripe_account, stale).status_code == 200
    # then the payment stands
    done.refresh_from_db()
    assert done.state == State.SUCCEEDED and Payment.objects.count() == 1


def test_a_failed_event_fails_an_unknown_checkout_with_the_portals_code(
    pay: Pay, invoice: Invoice, card: Card, stripe_account: GatewayAccount, monkeypatch: Any
) -> None:
    def crash(**kwargs: Any) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(checkout_services, "checkout_apply_result", crash)
    done = pay([invoice], token=card("4100000000000019").reference)
    monkeypatch.undo()
    event = stripe_event(_intent_of(done), "payment_intent.payment_failed")
    assert post(stripe_account, event).status_code == 200
    done.refresh_from_db()
    assert done.state == State.FAILED and done.error_code == "CP3003"


@pytest.mark.parametrize(
    "changes", [{"amount": 1}, {"currency": "eur"}], ids=["other-amount", "other-currency"]
)
def test_an_intent_of_another_amount_or_currency_is_refused_and_logged(
    stripe_account: GatewayAccount,
    left_unknown: Checkout,
    changes: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    event = stripe_event(_intent_of(left_unknown), "payment_intent.succeeded", **changes)
    with caplog.at_level(logging.ERROR):
        assert post(stripe_account, event).status_code == 200
    left_unknown.refresh_from_db()
    assert left_unknown.state == State.UNKNOWN and Payment.objects.count() == 0
    assert "refused, nothing booked" in caplog.text


def test_an_event_for_another_accounts_checkout_changes_nothing_and_is_logged(
    org: Any,
    stripe_account: GatewayAccount,
    left_unknown: Checkout,
    caplog: pytest.LogCaptureFixture,
) -> None:
    other = GatewayAccount.objects.create(
        organisation=org,
        kind="stripe",
        display_name="Other Stripe",
        publishable_key="pk_test_other0account0key",
        secret_key=OTHER_SECRET_KEY,
        webhook_secret="whsec_other0account0secret",
    )
    event = stripe_event(_intent_of(left_unknown), "payment_intent.succeeded")
    with caplog.at_level(logging.WARNING, logger="portico.payments.webhooks"):
        response = post(other, event, secret="whsec_other0account0secret")
    assert response.status_code == 200
    left_unknown.refresh_from_db()
    assert left_unknown.state == State.UNKNOWN and Payment.objects.count() == 0
    assert "no checkout of this account" in caplog.text


def refunded_event(done: Checkout, refunded: int, **changes: Any) -> dict[str, Any]:
    """Stripe's `charge.refunded` for the checkout's charge: `refunded` is the total refunded
    so far, in minor units (Stripe reports it cumulatively)."""
    event = stripe_event(done.gateway_transaction_id, "charge.refunded")
    intent = event["data"]["object"]
    event["data"]["object"] = {
        "id": f"ch_{intent['id'][3:]}",
        "object": "charge",
        "payment_intent": intent["id"],
        "amount": intent["amount"],
        "amount_refunded": refunded,
        "currency": intent["currency"],
        "metadata": {},
        "refunded": refunded == intent["amount"],
        **changes,
    }
    return event


def refund_at_stripe(done: Checkout, amount: str) -> None:
    """What the business does in the Stripe Dashboard (localstripe sends no charge.refunded)."""
    from portico.payments.gateways import registry
    from portico.payments.gateways.base import RefundRequest

    registry.gateway_for(done.gateway_account).refund(
        RefundRequest(
            transaction_id=done.gateway_transaction_id,
            amount=Decimal(amount),
            idempotency_key=f"dashboard:{amount}",
        )
    )


def test_a_refund_made_at_stripe_is_booked_from_the_customers_credit_once(
    pay: Pay, invoice: Invoice, card: Card, stripe_account: GatewayAccount, customer_a: Any
) -> None:
    # given a paid invoice, and a credit note the business issued for part of it
    note = sales.credit_note(customer_a, "30.00")
    done = pay([invoice], token=card().reference)
    credit = CustomerCredit.objects.get(credit_note=note)

    # when 10.00 is refunded at Stripe, and the event arrives twice
    refund_at_stripe(done, "10.00")
    first = refunded_event(done, 1000)
    assert post(stripe_account, first).content == b"ok"
    assert post(stripe_account, first).content == b"duplicate"

    # then one refund of 10.00 is booked, from the credit, and the ledger agrees
    (refund,) = Refund.objects.all()
    assert (refund.amount, refund.mode, refund.reference) == (
        Decimal("10.00"),
        "card",
        done.gateway_transaction_id,
    )
    credit.refresh_from_db()
    assert credit.remaining == note.total - Decimal("10.00")
    assert ledger.check(organisation=customer_a.organisation) == []

    # when 15.00 more is refunded (25.00 in all), then an older event arrives late
    refund_at_stripe(done, "15.00")
    assert post(stripe_account, refunded_event(done, 2500)).content == b"ok"
    assert post(stripe_account, refunded_event(done, 1000)).content == b"ok"

    # then 25.00 is booked in all, never more
    assert sorted(r.amount for r in Refund.objects.all()) == [Decimal("10.00"), Decimal("15.00")]
    credit.refresh_from_db()
    assert credit.remaining == note.total - Decimal("25.00")
    assert ledger.check(organisation=customer_a.organisation) == []
    notes = Notification.objects.filter(kind=Notification.Kind.PAYMENT_REFUNDED)
    assert notes.count() == 3 and all("booked as a refund" in n.text for n in notes)
    assert Payment.objects.get().amount == done.amount


def test_a_refund_beyond_the_customers_credit_books_what_it_can_and_says_the_rest(
    pay: Pay, invoice: Invoice, card: Card, stripe_account: GatewayAccount, customer_a: Any
) -> None:
    done = pay([invoice], token=card().reference)
    refund_at_stripe(done, "40.00")
    assert post(stripe_account, refunded_event(done, 4000)).status_code == 200
    assert Refund.objects.count() == 0
    assert ledger.check(organisation=customer_a.organisation) == []
    [note] = Notification.objects.filter(kind=Notification.Kind.PAYMENT_REFUNDED)
    assert "$40.00" in note.text and done.gateway_transaction_id in note.text
    assert "Issue a credit note" in note.text


@pytest.mark.parametrize(
    "changes",
    [{"currency": "eur"}, {"amount_refunded": 10001}],
    ids=["other-currency", "more-than-paid"],
)
def test_a_refund_in_another_currency_or_above_the_payment_is_refused_and_logged(
    pay: Pay,
    invoice: Invoice,
    card: Card,
    stripe_account: GatewayAccount,
    customer_a: Any,
    changes: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    sales.credit_note(customer_a, "300.00")
    done = pay([invoice], token=card().reference)
    with caplog.at_level(logging.ERROR):
        assert post(stripe_account, refunded_event(done, 1000, **changes)).status_code == 200
    assert Refund.objects.count() == 0
    assert "refused, nothing booked" in caplog.text


def test_events_portico_does_not_settle_are_acknowledged(
    stripe_account: GatewayAccount,
) -> None:
    event = {
        "id": "evt_customer0created",
        "object": "event",
        "type": "customer.created",
        "created": int(time.time()),
        "data": {"object": {"id": "cus_1", "object": "customer"}},
    }
    assert post(stripe_account, event).status_code == 200
    assert Payment.objects.count() == 0


def test_amounts_in_events_are_read_in_the_currencys_minor_unit(
    stripe_account: GatewayAccount, left_unknown: Checkout
) -> None:
    from portico.payments.gateways import registry

    event = stripe_event(_intent_of(left_unknown), "payment_intent.succeeded")
    payload = json.dumps(event).encode()
    verified = registry.gateway_for(stripe_account).verify_webhook(
        payload, {"Stripe-Signature": sign(payload, WEBHOOK_SECRET)}
    )
    assert verified.amount == left_unknown.amount and isinstance(verified.amount, Decimal)
    assert verified.idempotency_key == f"checkout:{left_unknown.public_id}"


class _OneRequestAtATime(WSGIServer):
    """Answers one request at a time, holding `lock` while it does.

    With SQLite's in-memory test database the server shares the test's one connection: two
    requests at once (localstripe may deliver several events together) would interleave their
    savepoints, and a read by the test in the middle of a request would see half of it.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.lock:
            super().process_request(request, client_address)


class _LiveServer(LiveServerThread):
    def _create_server(self, connections_override: Any = None) -> _OneRequestAtATime:
        return _OneRequestAtATime(
            (self.host, self.port), QuietWSGIRequestHandler, allow_reuse_address=False
        )


@pytest.fixture
def delivering(
    localstripe: LocalStripe, stripe_account: GatewayAccount, settings: Any
) -> Iterator[threading.Lock]:
    """localstripe's own webhook delivery, signed with the account's secret, to a live endpoint.

    Yields the lock to hold while reading what a delivery writes; the server is stopped (after the
    request in hand) before the database is emptied.
    """
    shared = {c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()}
    for connection in shared.values():
        connection.inc_thread_sharing()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    server = _LiveServer("localhost", _StaticFilesHandler, connections_override=shared)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    endpoint = f"http://localhost:{server.port}/payments/webhooks/stripe/{stripe_account.public_id}"
    localstripe.register_webhook("portico-live", endpoint, WEBHOOK_SECRET, EVENTS)
    try:
        yield server.httpd.lock
    finally:
        localstripe.register_webhook("portico-live", endpoint, WEBHOOK_SECRET, ["none.sent"])
        server.terminate()
        for connection in shared.values():
            connection.dec_thread_sharing()


@pytest.mark.django_db(transaction=True)
def test_localstripes_signed_delivery_settles_a_checkout_whose_answer_was_lost(
    delivering: threading.Lock, left_unknown: Checkout, invoice: Invoice
) -> None:
    # given a checkout charged at Stripe whose answer was lost (left_unknown)
    # when localstripe delivers payment_intent.succeeded to the endpoint (about a second later)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        with delivering:
            left_unknown.refresh_from_db()
        if left_unknown.state != State.UNKNOWN:
            break
        time.sleep(0.2)
    # then the payment is booked from the webhook
    with delivering:
        invoice.refresh_from_db()
        assert left_unknown.state == State.SUCCEEDED and invoice.status == Invoice.Status.PAID
        # (events of earlier tests still in localstripe's queue may arrive too: foreign, ignored)
        receipt = WebhookEventReceipt.objects.get(
            transaction_id=left_unknown.gateway_transaction_id
        )
        assert receipt.event_type == "payment_intent.succeeded"
        assert Payment.objects.count() == 1
