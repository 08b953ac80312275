"""Outgoing webhooks: signed deliveries to a receiver on loopback, retries with backoff, the
log, redelivery, switching off a failing endpoint, and the private-network wall."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.utils import timezone

from portico.accounts.models import User
from portico.contacts.models import Contact
from portico.core import crypto
from portico.core.errors import DomainError
from portico.orgs.models import Organisation
from portico.sales import services as sales_services
from portico.webhooks import services, tasks
from portico.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db
Status = WebhookDelivery.Status


def verify(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """The receiver's check, as docs/api.md shows it."""
    parts = dict(item.split("=", 1) for item in header.split(","))
    signed = f"{parts['t']}.".encode() + body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    fresh = abs(datetime.datetime.now().timestamp() - int(parts["t"])) <= tolerance
    return fresh and hmac.compare_digest(expected, parts["v1"])


class Receiver:
    """An HTTP server on 127.0.0.1 that keeps what it got and answers `status`."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.received: list[tuple[dict[str, str], bytes]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.received.append((dict(self.headers), body))
                self.send_response(outer.status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings: Any) -> Iterator[Receiver]:
    settings.WEBHOOKS_ALLOW_PRIVATE = True  # the receiver is on loopback
    found = Receiver()
    yield found
    found.close()


def endpoint_for(org: Organisation, url: str, *events: str) -> tuple[WebhookEndpoint, str]:
    return services.endpoint_create(organisation=org, url=url, events=list(events))


def test_a_sent_invoice_is_delivered_signed(
    org: Organisation,
    customer_a: Contact,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given
    _endpoint, secret = endpoint_for(org, receiver.url, "invoice.sent")
    invoice = sales.invoice(customer_a, send=False)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        sales_services.invoice_send(invoice=invoice)
    # then
    assert len(receiver.received) == 1
    headers, body = receiver.received[0]
    assert verify(secret, headers["Portico-Signature"], body)
    assert not verify("whsec_wrong", headers["Portico-Signature"], body)
    event = json.loads(body)
    assert set(event) == {"id", "type", "created", "organisation", "data"}
    assert event["type"] == "invoice.sent" and event["organisation"] == org.slug
    assert event["data"]["id"] == str(invoice.public_id)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == Status.SUCCEEDED and delivery.last_status_code == 200
    attempt = delivery.log.get()
    assert attempt.status_code == 200 and attempt.response_ms is not None


def test_the_signing_secret_is_encrypted_at_rest(org: Organisation) -> None:
    # when
    endpoint, secret = endpoint_for(org, "https://hooks.example.com/in", "invoice.sent")
    # then
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM webhooks_webhookendpoint WHERE id = %s", [endpoint.pk])
        (stored,) = cursor.fetchone()
    assert secret not in stored and stored.startswith(crypto.PREFIX)
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).secret == secret


def test_events_the_endpoint_did_not_choose_are_not_sent(
    org: Organisation,
    customer_a: Contact,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    endpoint_for(org, receiver.url, "payment.succeeded")
    with django_capture_on_commit_callbacks(execute=True):
        sales_services.invoice_send(invoice=sales.invoice(customer_a, send=False))
    assert receiver.received == [] and not WebhookDelivery.objects.exists()


def test_another_organisations_events_never_reach_the_endpoint(
    org: Organisation,
    other_org_customer: Contact,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    endpoint_for(org, receiver.url, "invoice.sent")
    with django_capture_on_commit_callbacks(execute=True):
        sales_services.invoice_send(invoice=sales.invoice(other_org_customer, send=False))
    assert receiver.received == []


def test_a_failing_receiver_is_retried_with_backoff_for_a_day(
    org: Organisation,
    customer_a: Contact,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a receiver that answers 500
    receiver.status = 500
    endpoint_for(org, receiver.url, "invoice.sent")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            sales_services.invoice_send(invoice=sales.invoice(customer_a, send=False))
        delivery = WebhookDelivery.objects.get()
        # then the first failure waits a minute
        assert delivery.status == Status.PENDING and delivery.attempts == 1
        assert delivery.next_attempt_at == start + datetime.timedelta(minutes=1)
        # and nothing is due before then
        assert tasks.webhook_retries_run.call() == 0
    waits = []
    moment = start
    for _ in range(4):
        delivery.refresh_from_db()
        assert delivery.next_attempt_at is not None
        waits.append(delivery.next_attempt_at - moment)
        moment = delivery.next_attempt_at
        with time_machine.travel(moment, tick=False):
            assert tasks.webhook_retries_run.call() == 1
    assert waits == [datetime.timedelta(minutes=m) for m in (1, 2, 4, 8)]
    # when the day runs out, the delivery fails for good
    with time_machine.travel(start + datetime.timedelta(hours=25), tick=False):
        tasks.webhook_retries_run.call()
    delivery.refresh_from_db()
    assert delivery.status == Status.FAILED
    assert [a.status_code for a in delivery.log.all()] == [500] * delivery.attempts
    assert len(receiver.received) == delivery.attempts


def test_a_failed_delivery_can_be_sent_again_by_hand(
    org: Organisation,
    customer_a: Contact,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    receiver.status = 503
    endpoint_for(org, receiver.url, "invoice.sent")
    with django_capture_on_commit_callbacks(execute=True):
        sales_services.invoice_send(invoice=sales.invoice(customer_a, send=False))
    delivery = WebhookDelivery.objects.get()
    receiver.status = 204
    with django_capture_on_commit_callbacks(execute=True):
        services.delivery_redeliver(delivery=delivery)
    delivery.refresh_from_db()
    assert delivery.status == Status.SUCCEEDED and delivery.attempts == 2


def test_an_endpoint_that_keeps_failing_is_switched_off_and_the_owner_told(
    org: Organisation,
    owner: User,
    customer_a: Contact,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(services, "DISABLE_AFTER_FAILURES", 3)
    receiver.status = 500
    endpoint, _secret = endpoint_for(org, receiver.url, "invoice.sent")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            sales_services.invoice_send(invoice=sales.invoice(customer_a, send=False))
    endpoint.refresh_from_db()
    assert not endpoint.is_active and endpoint.disabled_at is not None
    assert [m.to for m in mail.outbox if "Webhook" in m.subject] == [[owner.email]]
    services.endpoint_enable(endpoint=endpoint)
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.consecutive_failures == 0


def test_loopback_is_refused_in_production_after_resolution(
    org: Organisation,
    customer_a: Contact,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    # a public-looking name that resolves to loopback is refused at delivery time
    endpoint_for(org, "https://localhost/hooks", "invoice.sent")
    with django_capture_on_commit_callbacks(execute=True):
        sales_services.invoice_send(invoice=sales.invoice(customer_a, send=False))
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == Status.PENDING and delivery.last_status_code is None
    assert "private network" in delivery.last_error


def test_http_endpoints_are_refused_in_production(org: Organisation, settings: Any) -> None:
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    with pytest.raises(DomainError) as refused:
        endpoint_for(org, "http://example.com/hooks", "invoice.sent")
    assert refused.value.field == "url"


def test_unknown_events_are_refused(org: Organisation) -> None:
    with pytest.raises(DomainError):
        endpoint_for(org, "https://example.com/hooks", "invoice.exploded")


def test_an_offline_payment_and_portal_access_changes_are_delivered(
    org: Organisation,
    customer_a: Contact,
    customer_a_person: Any,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from decimal import Decimal

    from portico.activity import invitations
    from portico.payments import services as payment_services

    endpoint_for(org, receiver.url, "payment.succeeded", "portal_access.enabled")
    invoice = sales.invoice(customer_a, "40.00")
    with django_capture_on_commit_callbacks(execute=True):
        payment_services.payment_record(
            contact=customer_a,
            amount=Decimal("40.00"),
            date=sales.DAY,
            mode="cash",
            allocations=[(invoice, Decimal("40.00"))],
        )
        invitations.portal_access_enable(person=customer_a_person, password="a-Long-pass-phrase-9")
    types = [json.loads(body)["type"] for _headers, body in receiver.received]
    assert sorted(types) == ["payment.succeeded", "portal_access.enabled"]
    payment = next(json.loads(b) for _h, b in receiver.received if b"payment.succeeded" in b)
    assert payment["data"]["amount"] == "40.00" and payment["data"]["source"] == "offline"


def test_money_in_an_event_has_the_currencys_decimals_also_when_read_back(
    customer_a: Contact,
) -> None:
    """The database keeps four decimals; an event writes money as the API does."""
    from decimal import Decimal

    from portico.core import events
    from portico.sales.models import Invoice

    invoice = Invoice.objects.get(pk=sales.invoice(customer_a, "40.00").pk)
    data = events.object_data("invoice", invoice)
    for name in ("total", "balance_due"):
        assert Decimal(data[name]) == getattr(invoice, name) > 0
        assert len(data[name].split(".")[1]) == 2, data[name]


def test_a_customers_acceptance_in_the_portal_is_delivered(
    org: Organisation,
    customer_a: Contact,
    customer_a_person: Any,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from portico.activity import portal_actions
    from portico.activity.services import Origin
    from portico.contacts.scope import PortalScope

    endpoint_for(org, receiver.url, "estimate.accepted")
    estimate = sales_services.estimate_send(estimate=sales.estimate(customer_a))
    scope = PortalScope(org, customer_a, customer_a_person)
    with django_capture_on_commit_callbacks(execute=True):
        portal_actions.estimate_accept_from_portal(
            scope=scope, estimate=estimate, signed_name="Ann", origin=Origin(ip="127.0.0.1")
        )
    (event,) = [json.loads(body) for _headers, body in receiver.received]
    assert event["type"] == "estimate.accepted"
    assert event["data"]["target"] == {"object": "estimate", "id": str(estimate.public_id)}
