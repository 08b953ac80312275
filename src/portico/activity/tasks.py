"""Outgoing mail, sent by the worker: retried with backoff, sent once per key; and the audit
trail's retention."""

from __future__ import annotations

import contextlib
import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError
from django.utils import timezone
from django_tasks import task

from portico.activity.mail import OutgoingEmail
from portico.activity.models import ActivityLog, EmailDelivery
from portico.core.jobs import retrying

PURGE_BATCH = 1000


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


@task()
def sign_in_rows_purge() -> int:
    """Delete the audit trail's sign-in and security rows older than `PORTICO_AUDIT_SIGN_IN_DAYS`
    (none when it is 0), a batch at a time so no delete holds the table long; safe to run twice.
    Answers how many rows went."""
    days = settings.PORTICO_AUDIT_SIGN_IN_DAYS
    if not days:
        return 0
    expired = ActivityLog.objects.filter(
        kind=ActivityLog.Kind.SIGN_IN, created_at__lt=timezone.now() - datetime.timedelta(days)
    )
    deleted = 0
    while batch := list(expired.values_list("pk", flat=True)[:PURGE_BATCH]):
        deleted += ActivityLog.objects.filter(pk__in=batch).delete()[0]
    return deleted


def sign_in_rows_purge_enqueue(day: datetime.date) -> None:
    """The periodic job (`portico.core.scheduled`)."""
    sign_in_rows_purge.enqueue()
