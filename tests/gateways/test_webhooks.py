"""Settlement webhooks: signed by the sandbox, verified by the adapter, delivered by a task."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from portico.orgs.models import GatewayAccount
from portico.payments.gateways.base import (
    ChargeRequest,
    ChargeResult,
    ChargeStatus,
    DeclineCode,
    Gateway,
    GatewayError,
)
from portico.payments.gateways.sandbox import processor, settlement, signing
from portico.payments.gateways.sandbox.models import SandboxAccount, WebhookEvent

pytestmark = pytest.mark.django_db

BankToken = Callable[[str], dict[str, Any]]


class Inbox:
    """Stands in for the portal's webhook receiver."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.received: list[tuple[str, bytes, dict[str, str]]] = []

    def __call__(self, url: str, body: bytes, headers: Any) -> int:
        self.received.append((url, body, dict(headers)))
        return self.status


@pytest.fixture
def inbox(monkeypatch: pytest.MonkeyPatch) -> Inbox:
    box = Inbox()
    monkeypatch.setattr(settlement, "http_post", box)
    return box


def debit(
    gateway: Gateway, bank_token: BankToken, account_number: str, amount: str = "80.00"
) -> ChargeResult:
    return gateway.charge(
        ChargeRequest(
            amount=Decimal(amount),
            currency="USD",
            idempotency_key=str(uuid.uuid4()),
            token=bank_token(account_number)["token"],
        )
    )


def test_settling_posts_a_signed_event_the_adapter_verifies(
    gateway: Gateway, bank_token: BankToken, inbox: Inbox, sandbox_account: GatewayAccount
) -> None:
    # given a pending bank debit
    charge = debit(gateway, bank_token, "000123456789")

    # when the sandbox settles it
    call_command("sandbox", "settle")

    # then the portal's receiver got one signed event for that charge
    [(url, body, headers)] = inbox.received
    assert url.endswith(f"/payments/webhooks/sandbox/{sandbox_account.publishable_key}")
    event = gateway.verify_webhook(body, headers)
    assert event.event_id.startswith("evt_")
    assert (event.type, event.transaction_id, event.status) == (
        "charge.succeeded",
        charge.transaction_id,
        ChargeStatus.SUCCEEDED,
    )
    assert event.idempotency_key == charge.idempotency_key
    assert event.amount == Decimal("80.00")
    assert WebhookEvent.objects.get().delivered_at is not None


def test_a_closed_account_event_says_failed_account_closed(
    gateway: Gateway, bank_token: BankToken, inbox: Inbox
) -> None:
    debit(gateway, bank_token, "000111111113")

    call_command("sandbox", "settle")

    event = gateway.verify_webhook(inbox.received[0][1], inbox.received[0][2])
    assert (event.type, event.status, event.decline_code) == (
        "charge.failed",
        ChargeStatus.FAILED,
        DeclineCode.ACCOUNT_CLOSED,
    )


def test_settling_twice_makes_one_event_per_charge_and_event_ids_are_unique(
    gateway: Gateway, bank_token: BankToken, inbox: Inbox
) -> None:
    for amount in ("10.00", "20.00", "30.00"):
        debit(gateway, bank_token, "000123456789", amount)

    call_command("sandbox", "settle")
    call_command("sandbox", "settle")

    ids = [json.loads(body)["id"] for _, body, _ in inbox.received]
    assert len(ids) == 3 == len(set(ids))
    assert WebhookEvent._meta.get_field("event_id").unique


def signed(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    stamp = int(time.time()) if timestamp is None else timestamp
    return {signing.SIGNATURE_HEADER: signing.header_value(secret, stamp, body)}


@pytest.fixture
def event_body(gateway: Gateway, bank_token: BankToken, inbox: Inbox) -> bytes:
    debit(gateway, bank_token, "000123456789")
    call_command("sandbox", "settle")
    return inbox.received[0][1]


def test_a_body_changed_after_signing_is_refused(
    gateway: Gateway, sandbox_account: GatewayAccount, event_body: bytes
) -> None:
    headers = signed(sandbox_account.webhook_secret, event_body)

    with pytest.raises(GatewayError) as raised:
        gateway.verify_webhook(event_body.replace(b"succeeded", b"failed"), headers)

    assert raised.value.code == "signature_invalid"


def test_another_secret_or_no_signature_is_refused(gateway: Gateway, event_body: bytes) -> None:
    with pytest.raises(GatewayError) as raised:
        gateway.verify_webhook(event_body, signed("whsec_wrong", event_body))
    assert raised.value.code == "signature_invalid"

    with pytest.raises(GatewayError) as raised:
        gateway.verify_webhook(event_body, {})
    assert raised.value.code == "signature_invalid"


def test_a_stale_signature_is_refused(
    gateway: Gateway, sandbox_account: GatewayAccount, event_body: bytes
) -> None:
    old = int(time.time()) - signing.TOLERANCE_SECONDS - 5

    with pytest.raises(GatewayError) as raised:
        gateway.verify_webhook(event_body, signed(sandbox_account.webhook_secret, event_body, old))

    assert raised.value.code == "signature_stale"


def test_headers_are_found_whatever_their_case(
    gateway: Gateway, sandbox_account: GatewayAccount, event_body: bytes
) -> None:
    headers = {k.lower(): v for k, v in signed(sandbox_account.webhook_secret, event_body).items()}

    assert gateway.verify_webhook(event_body, headers).event_id


def test_a_failed_delivery_is_retried_a_few_times_then_left_for_the_deliver_command(
    gateway: Gateway, bank_token: BankToken, inbox: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    # given a receiver that answers 500
    inbox.status = 500
    debit(gateway, bank_token, "000123456789")

    # when the sandbox settles and its task delivers
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sandbox", "settle", "--no-deliver")

    # then the task tried five times and gave up
    event = WebhookEvent.objects.get()
    assert (event.attempts, event.delivered_at, event.last_error) == (5, None, "HTTP 500")

    # and once the receiver is back, `portico sandbox deliver` delivers it
    inbox.status = 204
    call_command("sandbox", "deliver")
    event.refresh_from_db()
    assert event.delivered_at is not None


def test_a_network_error_counts_as_a_failed_attempt(
    gateway: Gateway,
    bank_token: BankToken,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    def unreachable(url: str, body: bytes, headers: Any) -> int:
        raise ConnectionRefusedError

    monkeypatch.setattr(settlement, "http_post", unreachable)
    debit(gateway, bank_token, "000123456789")

    with django_capture_on_commit_callbacks(execute=True):
        call_command("sandbox", "settle", "--no-deliver")

    assert WebhookEvent.objects.get().last_error == "ConnectionRefusedError"


def test_with_a_deferring_backend_settlement_is_scheduled_after_the_delay(
    gateway: Gateway,
    bank_token: BankToken,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django_tasks_db.models import DBTaskResult

    # given the database task backend and a 90 second settlement delay
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.SANDBOX_SETTLE_SECONDS = 90

    # when a bank debit is made (and its transaction commits)
    with django_capture_on_commit_callbacks(execute=True):
        debit(gateway, bank_token, "000123456789")

    # then a settle task waits in the queue until the debit is due
    queued = DBTaskResult.objects.get()
    assert queued.task_path.endswith("settle_charge")
    assert timezone.now() + timedelta(seconds=80) < queued.run_after
    assert queued.run_after < timezone.now() + timedelta(seconds=100)


def test_the_delivery_url_follows_the_account_endpoint(sandbox_account: GatewayAccount) -> None:
    account = SandboxAccount.objects.get(public_key=sandbox_account.publishable_key)
    with override_settings(SITE_URL="https://portal.example"):
        assert processor.webhook_url_for(account) == (
            f"https://portal.example/payments/webhooks/sandbox/{account.public_key}"
        )

    processor.webhook_endpoint_set(
        secret_key=sandbox_account.secret_key, url="https://hooks.example/in"
    )
    account.refresh_from_db()
    assert processor.webhook_url_for(account) == "https://hooks.example/in"
