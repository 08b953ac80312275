"""The API's housekeeping: forget idempotency keys once no client would replay them."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django_tasks import task

from portico.api.models import IdempotentRequest

KEEP_KEYS = datetime.timedelta(days=7)


@task()
def idempotency_keys_purge() -> int:
    """Delete the answers kept for keys older than a week (safe to run twice)."""
    deleted, _ = IdempotentRequest.objects.filter(
        created_at__lt=timezone.now() - KEEP_KEYS
    ).delete()
    return deleted


def idempotency_keys_purge_enqueue(day: datetime.date) -> None:
    """The periodic job (`portico.core.scheduled`)."""
    idempotency_keys_purge.enqueue()
