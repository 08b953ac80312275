"""Books API keys: issued once, stored as SHA-256, revocable, with their last use recorded."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portico.accounts.models import ApiKey, User
from portico.core import audit
from portico.core.errors import DomainError
from portico.orgs.models import Organisation

KEY_PREFIX = "pk_"
TOUCH_EVERY = timedelta(minutes=1)


def hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_key_create(
    *,
    organisation: Organisation,
    name: str,
    read_only: bool = False,
    created_by: User | None = None,
) -> tuple[ApiKey, str]:
    """A new key for `organisation`; returns the row and the secret, which is never stored."""
    name = name.strip()
    if not name:
        raise DomainError(_("Give the key a name."), code="required", field="name")
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        organisation=organisation,
        name=name[:100],
        prefix=secret[:10],
        key_hash=hash_key(secret),
        read_only=read_only,
        created_by=created_by,
    )
    audit.record(
        "api_key_created",
        organisation_id=organisation.pk,
        actor=created_by.audit_actor() if created_by is not None else None,
        target=key,
        detail="read-only" if read_only else "",
    )
    return key, secret


@transaction.atomic
def api_key_revoke(*, key: ApiKey) -> ApiKey:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        audit.record("api_key_revoked", organisation_id=key.organisation_id, target=key)
    return key


def api_key_authenticate(*, secret: str, ip: str | None) -> ApiKey | None:
    """The live key for `secret`, with its last use recorded (at most once a minute)."""
    if not secret.startswith(KEY_PREFIX) or len(secret) > 100:
        return None
    key = (
        ApiKey.objects.select_related("organisation")
        .filter(key_hash=hash_key(secret), revoked_at__isnull=True)
        .first()
    )
    if key is None:
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > TOUCH_EVERY or key.last_used_ip != ip:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now, last_used_ip=ip)
        key.last_used_at, key.last_used_ip = now, ip
    return key
