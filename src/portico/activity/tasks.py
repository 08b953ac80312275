"""Outgoing mail, sent by the worker: retried with backoff, sent once per key."""

from __future__ import annotations

import contextlib
from typing import Any

from django.db import IntegrityError

from portico.activity.mail import OutgoingEmail
from portico.activity.models import EmailDelivery
from portico.core.jobs import retrying


def _organisation_of(payload: dict[str, Any], **_: Any) -> int | None:
    return payload.get("organisation_id")


@retrying(attempts=6, backoff_seconds=30, organisation=_organisation_of)
def send_email(payload: dict[str, Any]) -> int:
    """Send one composed email. Returns the number of messages the backend accepted (0 when
    this key was already delivered)."""
    fields = dict(payload)
    fields["attachments"] = [tuple(item) for item in fields.get("attachments", [])]
    email = OutgoingEmail(**fields)
    if email.key and EmailDelivery.objects.filter(key=email.key).exists():
        return 0
    sent = email.as_message().send()
    if email.key:
        # Another run may have delivered the same key meanwhile.
        with contextlib.suppress(IntegrityError):
            EmailDelivery.objects.create(key=email.key)
    return sent
