"""Domain events for listeners outside the domain (outgoing webhooks).

A service calls `emit(...)` inside its use case; the event is published once the transaction
commits (never for a rolled-back write). Listeners register on `published` from their
`AppConfig.ready`, so the domain apps never import them (`core.hooks`).
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from portico.core.hooks import Hook
from portico.core.money import quantize

EVENT_TYPES: tuple[str, ...] = (
    "invoice.created",
    "invoice.sent",
    "invoice.voided",
    "estimate.created",
    "estimate.sent",
    "estimate.accepted",
    "estimate.declined",
    "estimate.changes_requested",
    "sales_order.created",
    "credit_note.created",
    "document.viewed",
    "payment.succeeded",
    "payment.failed",
    "payment.pending",
    "payment.settled",
    "payment.refunded",
    "timesheet.approved",
    "timesheet.rejected",
    "comment.created",
    "contact.details_updated",
    "review.created",
    "message.created",
    "portal_access.enabled",
    "portal_access.disabled",
)


@dataclass(frozen=True)
class DomainEvent:
    organisation_id: int
    type: str
    data: dict[str, Any]
    id: str = field(default_factory=lambda: f"evt_{uuid.uuid4().hex}")
    created: datetime.datetime = field(default_factory=timezone.now)


published: Hook[DomainEvent] = Hook("domain events")


def emit(*, organisation_id: int, type: str, data: dict[str, Any]) -> None:
    """Publish `type` with `data` (plain JSON values, public ids only) after the commit."""
    if type not in EVENT_TYPES:
        raise ValueError(f"Unknown event type {type!r}")
    event = DomainEvent(organisation_id=organisation_id, type=type, data=data)
    transaction.on_commit(lambda: published(event))


def object_data(object_name: str, obj: Any, /, **extra: Any) -> dict[str, Any]:
    """`{"object": object_name, "id": public id, …}` for a row addressed by its public id."""
    data: dict[str, Any] = {"object": object_name, "id": str(obj.public_id)}
    for name in ("number", "status", "currency"):
        value = getattr(obj, name, None)
        if value is not None:
            data[name] = str(value)
    currency = getattr(obj, "currency", None)
    for name in ("total", "balance_due", "amount"):
        value = getattr(obj, name, None)
        if value is not None:
            # As the API writes money: the currency's decimals, whether or not the row was
            # read back from the database (which keeps four).
            data[name] = str(quantize(Decimal(str(value)), currency) if currency else value)
    contact = getattr(obj, "contact", None)
    if contact is not None and hasattr(contact, "public_id"):
        data["contact"] = str(contact.public_id)
    data.update(extra)
    return data
