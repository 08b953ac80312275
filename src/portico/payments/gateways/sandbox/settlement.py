"""Settlement of bank debits and delivery of the webhooks that report it.

Part of the simulated processor (not the adapter): a pending debit settles when its task
runs after `SANDBOX_SETTLE_SECONDS`, or at once with `portico sandbox settle`.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portico.payments.gateways.base import ChargeStatus, DeclineCode
from portico.payments.gateways.sandbox import processor, signing
from portico.payments.gateways.sandbox.cards import Scenario
from portico.payments.gateways.sandbox.models import Charge, WebhookEvent

logger = logging.getLogger(__name__)

DELIVERY_TIMEOUT_SECONDS = 10


def settle_seconds() -> int:
    return int(getattr(settings, "SANDBOX_SETTLE_SECONDS", 60))


def schedule(charge_id: str, settles_at: Any) -> None:
    from django_tasks import default_task_backend

    from portico.payments.gateways.sandbox import tasks

    # Backends that cannot defer (the immediate one in tests) leave the debit pending until
    # `portico sandbox settle` runs, as a slow bank would.
    if default_task_backend.supports_defer:
        tasks.settle_charge.using(run_after=settles_at).enqueue(charge_id=charge_id)


@transaction.atomic
def charge_settle(*, charge_id: str, deliver_later: bool = True) -> str | None:
    """Settle one pending bank debit (closed accounts fail); the event id, or None if
    it was not pending any more (settling twice is harmless)."""
    charge = Charge.objects.select_for_update().filter(charge_id=charge_id).first()
    if charge is None or charge.status != ChargeStatus.PENDING:
        return None
    source = charge.token or charge.payment_method
    closed = source is not None and source.scenario == Scenario.ACCOUNT_CLOSED
    charge.status = ChargeStatus.FAILED if closed else ChargeStatus.SUCCEEDED
    charge.failure_code = DeclineCode.ACCOUNT_CLOSED if closed else ""
    charge.settled_at = timezone.now()
    charge.save(update_fields=["status", "failure_code", "settled_at"])
    event = WebhookEvent.objects.create(
        event_id=processor.new_id("evt_"),
        account=charge.account,
        type=f"charge.{charge.status}",
        payload={},
    )
    event.payload = {
        "id": event.event_id,
        "type": event.type,
        "created": int(event.created_at.timestamp()),
        "data": processor.charge_json(charge),
    }
    event.save(update_fields=["payload"])
    event_id = event.event_id
    if deliver_later:
        transaction.on_commit(lambda: _schedule_delivery(event_id))
    return event_id


def _schedule_delivery(event_id: str) -> None:
    from portico.payments.gateways.sandbox import tasks

    tasks.deliver_event.enqueue(event_id=event_id)


def settle_pending(*, due_only: bool = False, deliver_later: bool = True) -> list[str]:
    """Settle pending debits (all, or those whose time has come); the new event ids.

    `deliver_later=False` leaves delivery to the caller (the command delivers at once).
    """
    pending = Charge.objects.filter(status=ChargeStatus.PENDING).order_by("pk")
    if due_only:
        pending = pending.filter(settles_at__lte=timezone.now())
    ids = list(pending.values_list("charge_id", flat=True))
    settled = (charge_settle(charge_id=cid, deliver_later=deliver_later) for cid in ids)
    return [event_id for event_id in settled if event_id]


def http_post(url: str, body: bytes, headers: Mapping[str, str]) -> int:
    """POST and return the status code (tests replace this function)."""
    if not url.startswith(("http://", "https://")):
        raise ValueError("webhook URLs are http(s)")
    request = urllib.request.Request(url, data=body, headers=dict(headers), method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=DELIVERY_TIMEOUT_SECONDS) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def event_deliver(*, event_id: str) -> bool:
    """POST one event, signed, to its account's endpoint; True when it was accepted (2xx)."""
    event = WebhookEvent.objects.select_related("account").filter(event_id=event_id).first()
    if event is None:
        return False
    if event.delivered_at is not None:
        return True
    body = json.dumps(event.payload, sort_keys=True).encode()
    timestamp = int(timezone.now().timestamp())
    headers = {
        "Content-Type": "application/json",
        signing.SIGNATURE_HEADER: signing.header_value(
            event.account.webhook_secret, timestamp, body
        ),
    }
    error = ""
    try:
        status = http_post(processor.webhook_url_for(event.account), body, headers)
        if not 200 <= status < 300:
            error = f"HTTP {status}"
    except (OSError, ValueError) as exc:
        error = type(exc).__name__
    WebhookEvent.objects.filter(pk=event.pk).update(
        attempts=event.attempts + 1,
        last_error=error[:300],
        delivered_at=None if error else timezone.now(),
    )
    if error:
        logger.warning("sandbox webhook %s not delivered: %s", event_id, error)
    return not error


def undelivered_events() -> list[str]:
    return list(
        WebhookEvent.objects.filter(delivered_at__isnull=True)
        .order_by("pk")
        .values_list("event_id", flat=True)
    )
