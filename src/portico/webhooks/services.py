"""Outgoing webhooks: register endpoints, queue a delivery per subscribed event, attempt it,
retry with exponential backoff for 24 hours, log each attempt, and switch off an endpoint that
keeps failing (its owners are told)."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import logging
import secrets
import time
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portico.accounts import selectors as account_selectors
from portico.accounts.models import Membership
from portico.core import audit
from portico.core.errors import DomainError
from portico.core.events import EVENT_TYPES, DomainEvent
from portico.core.prepared import Prepared
from portico.orgs.models import Organisation
from portico.webhooks import transport
from portico.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)
Status = WebhookDelivery.Status
SIGNATURE_HEADER = "Portico-Signature"
FIRST_RETRY = datetime.timedelta(minutes=1)
LONGEST_WAIT = datetime.timedelta(hours=4)
GIVE_UP_AFTER = datetime.timedelta(hours=24)
DISABLE_AFTER_FAILURES = 20
"""Failed attempts in a row (over every delivery) after which an endpoint is switched off."""


def sign(*, secret: str, timestamp: int, body: bytes) -> str:
    """`t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">` (like Stripe's header)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def _audit(action: str, endpoint: WebhookEndpoint, detail: str = "") -> None:
    """The endpoint in the audit trail by its address without credentials or query (a URL may
    carry a token); never its signing secret."""
    parts = urlsplit(endpoint.url)
    address = f"{parts.scheme}://{parts.hostname or ''}{f':{parts.port}' if parts.port else ''}"
    audit.record(
        action,
        organisation_id=endpoint.organisation_id,
        target_label=(address + parts.path)[:100],
        detail=detail,
    )


def _clean_events(events: list[str]) -> list[str]:
    unknown = sorted(set(events) - set(EVENT_TYPES) - {"*"})
    if unknown:
        raise DomainError(f"Unknown event {unknown[0]!r}.", code="unknown_event", field="events")
    if not events:
        raise DomainError(_("Choose at least one event."), code="required", field="events")
    return sorted(set(events))


@transaction.atomic
def endpoint_create(
    *, organisation: Organisation, url: str, events: list[str], description: str = ""
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint; answers it and its signing secret (shown to the business once)."""
    try:
        transport.check_url(url)
    except transport.Refused as exc:
        raise DomainError(str(exc), code="invalid_url", field="url") from None
    secret = "whsec_" + secrets.token_urlsafe(32)
    endpoint = WebhookEndpoint.objects.create(
        organisation=organisation,
        url=url,
        events=_clean_events(events),
        description=description,
        secret=secret,
    )
    _audit("webhook_created", endpoint, ", ".join(endpoint.events))
    return endpoint, secret


@transaction.atomic
def endpoint_update(
    *, endpoint: WebhookEndpoint, url: str, events: list[str], description: str = ""
) -> WebhookEndpoint:
    """Another address, other events or another description for an endpoint (the secret
    stays)."""
    try:
        transport.check_url(url)
    except transport.Refused as exc:
        raise DomainError(str(exc), code="invalid_url", field="url") from None
    endpoint.url, endpoint.events, endpoint.description = url, _clean_events(events), description
    endpoint.save(update_fields=["url", "events", "description", "updated_at"])
    _audit("webhook_changed", endpoint, ", ".join(endpoint.events))
    return endpoint


@transaction.atomic
def endpoint_enable(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    endpoint.is_active = True
    endpoint.consecutive_failures = 0
    endpoint.disabled_at = None
    endpoint.disabled_reason = ""
    endpoint.save(
        update_fields=[
            "is_active",
            "consecutive_failures",
            "disabled_at",
            "disabled_reason",
            "updated_at",
        ]
    )
    _audit("webhook_changed", endpoint, "switched on")
    return endpoint


@transaction.atomic
def endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    """Remove an endpoint with its deliveries: nothing more is sent to it."""
    _audit("webhook_deleted", endpoint)
    endpoint.delete()


def payload_of(event: DomainEvent, organisation: Organisation) -> dict[str, Any]:
    return {
        "id": event.id,
        "type": event.type,
        "created": int(event.created.timestamp()),
        "organisation": organisation.slug,
        "data": event.data,
    }


_ACTIVE_ENDPOINTS: Prepared[WebhookEndpoint] = Prepared(
    lambda organisation_id: WebhookEndpoint.objects.filter(
        organisation_id=organisation_id, is_active=True
    ).select_related("organisation"),
    organisation_id=-90_001,
)
"""An organisation's active endpoints: compiled once, as every portal write asks after its
commit (most organisations have none)."""


def deliveries_queue_for(event: DomainEvent) -> list[WebhookDelivery]:
    """One delivery per active endpoint that chose the event (the `core.events` listener)."""
    endpoints = [
        e
        for e in _ACTIVE_ENDPOINTS.rows(organisation_id=event.organisation_id)
        if e.wants(event.type)
    ]
    made = []
    for endpoint in endpoints:
        try:
            with transaction.atomic():
                delivery = WebhookDelivery.objects.create(
                    organisation_id=endpoint.organisation_id,
                    endpoint=endpoint,
                    event_id=event.id,
                    event_type=event.type,
                    payload=payload_of(event, endpoint.organisation),
                    next_attempt_at=timezone.now(),
                )
        except IntegrityError:
            continue  # already queued for this endpoint
        made.append(delivery)
        _queue(delivery.pk)
    return made


def _queue(delivery_id: int) -> None:
    from portico.webhooks import tasks

    transaction.on_commit(lambda: tasks.webhook_deliver.enqueue(delivery_id))


def backoff(attempts: int) -> datetime.timedelta:
    """1, 2, 4, 8 … minutes after the n-th failed attempt, at most `LONGEST_WAIT`."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_WAIT)


def delivery_attempt(*, delivery_id: int) -> WebhookDelivery | None:
    """POST one delivery now and record the outcome. Safe to run twice: a delivery that
    succeeded, failed for good or is not yet due again is left alone."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("endpoint", "organisation")
            .filter(pk=delivery_id, status=Status.PENDING)
            .first()
        )
        if delivery is None:
            return None
        now = timezone.now()
        if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
            return delivery
        # Claimed: a second worker sees it not yet due again.
        delivery.next_attempt_at = now + transport.TIMEOUT_SECONDS * datetime.timedelta(seconds=3)
        delivery.save(update_fields=["next_attempt_at", "updated_at"])
    endpoint = delivery.endpoint
    body = json.dumps(delivery.payload, cls=DjangoJSONEncoder, separators=(",", ":")).encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Portico-Webhooks/1",
        SIGNATURE_HEADER: sign(secret=endpoint.secret, timestamp=timestamp, body=body),
        "Portico-Event-Id": str(delivery.payload.get("id", "")),
    }
    status_code: int | None = None
    response_ms: int | None = None
    error = ""
    if not endpoint.is_active:
        error = "The endpoint is disabled."
    else:
        try:
            answer = transport.post(endpoint.url, body, headers)
            status_code, response_ms = answer.status_code, answer.response_ms
        except transport.Refused as exc:
            error = str(exc)
        except (OSError, ValueError) as exc:
            error = f"{type(exc).__name__}: {exc}"[:300]
    ok = status_code is not None and 200 <= status_code < 300
    return _record(delivery, ok=ok, status_code=status_code, response_ms=response_ms, error=error)


@transaction.atomic
def _record(
    delivery: WebhookDelivery,
    *,
    ok: bool,
    status_code: int | None,
    response_ms: int | None,
    error: str,
) -> WebhookDelivery:
    WebhookAttempt.objects.create(
        delivery=delivery, status_code=status_code, response_ms=response_ms, error=error
    )
    delivery.attempts += 1
    delivery.last_status_code = status_code
    delivery.last_response_ms = response_ms
    delivery.last_error = error or ("" if ok else f"HTTP {status_code}")
    now = timezone.now()
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
    if ok:
        delivery.status = Status.SUCCEEDED
        delivery.next_attempt_at = None
        endpoint.consecutive_failures = 0
    else:
        endpoint.consecutive_failures += 1
        wait = backoff(delivery.attempts)
        if now + wait > delivery.created_at + GIVE_UP_AFTER or not endpoint.is_active:
            delivery.status = Status.FAILED
            delivery.next_attempt_at = None
        else:
            delivery.next_attempt_at = now + wait
    delivery.save()
    endpoint.save(update_fields=["consecutive_failures", "updated_at"])
    if endpoint.is_active and endpoint.consecutive_failures >= DISABLE_AFTER_FAILURES:
        _disable(endpoint, failures=endpoint.consecutive_failures)
    return delivery


def _disable(endpoint: WebhookEndpoint, *, failures: int) -> None:
    endpoint.is_active = False
    endpoint.disabled_at = timezone.now()
    endpoint.disabled_reason = f"{failures} failed deliveries in a row"
    endpoint.save(update_fields=["is_active", "disabled_at", "disabled_reason", "updated_at"])
    _audit("webhook_changed", endpoint, f"switched off: {endpoint.disabled_reason}")
    owners = list(
        Membership.objects.filter(
            organisation_id=endpoint.organisation_id, role=Membership.Role.OWNER
        )
        .select_related("user", "organisation")
        .order_by("pk")
    )
    for owner in owners:
        # Each owner reads it in their language (their own, else the organisation's).
        with translation.override(
            account_selectors.staff_language(user=owner.user, organisation=owner.organisation)
        ):
            subject = _("Webhook endpoint switched off")
            message = _(
                "Portico stopped sending webhooks to %(url)s after %(count)d failed deliveries "
                "in a row.\nFix the receiver, then switch the endpoint back on under Webhooks → "
                "Webhook endpoints; failed deliveries can be sent again from there."
            ) % {"url": endpoint.url, "count": failures}
        transaction.on_commit(
            partial(send_mail, subject, message, settings.DEFAULT_FROM_EMAIL, [owner.user.email])
        )


@transaction.atomic
def delivery_redeliver(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again now (by hand, from the back office), whatever its status."""
    delivery.status = Status.PENDING
    delivery.next_attempt_at = timezone.now()
    delivery.save(update_fields=["status", "next_attempt_at", "updated_at"])
    _queue(delivery.pk)
    return delivery


def deliveries_due(*, now: datetime.datetime | None = None) -> list[int]:
    moment = now or timezone.now()
    return list(
        WebhookDelivery.objects.filter(status=Status.PENDING, next_attempt_at__lte=moment)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:500]
    )
