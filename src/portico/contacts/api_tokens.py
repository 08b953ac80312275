"""Portal API bearer tokens: a `PortalSession` with a token instead of a browser cookie.

A token belongs to one contact person (so to one customer), expires, is listed among the
person's sessions and ends with them (log out everywhere, access disabled, password changed).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portico.contacts.models import ContactPerson, PortalSession
from portico.core import audit

TOKEN_PREFIX = "pt_"  # noqa: S105 (a marker, not a secret)
TOUCH_EVERY = timedelta(minutes=1)


def lifetime() -> timedelta:
    return timedelta(seconds=getattr(settings, "PORTAL_API_TOKEN_SECONDS", 60 * 60 * 12))


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_issue(
    *, person: ContactPerson, user_agent: str, ip: str | None
) -> tuple[PortalSession, str]:
    """A new bearer token for `person` (already authenticated); the secret is returned once."""
    assert person.user_id is not None
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    session = PortalSession.objects.create(
        organisation_id=person.organisation_id,
        user_id=person.user_id,
        person=person,
        # No browser session has this key; ending the session deletes nothing else.
        session_key=f"api-{secrets.token_hex(18)}",
        token_hash=hash_token(secret),
        expires_at=now + lifetime(),
        user_agent=(user_agent or "API")[:300],
        ip_address=ip,
        last_seen_at=now,
    )
    ContactPerson.objects.filter(pk=person.pk).update(portal_last_login=now)
    audit.record(
        "api_token_created",
        organisation_id=person.organisation_id,
        contact_id=person.contact_id,
        actor=person.audit_actor(),
    )
    return session, secret


def api_token_session(*, secret: str, ip: str | None) -> PortalSession | None:
    """The unexpired session of `secret`, its last use recorded; None otherwise."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    session = (
        PortalSession.objects.with_token_hash(hash_token(secret))
        .select_related("organisation", "person__contact", "user")
        .first()
    )
    now = timezone.now()
    if session is None or session.person is None or session.expires_at is None:
        return None
    if session.expires_at <= now:
        return None
    if now - session.last_seen_at > TOUCH_EVERY or session.ip_address != ip:
        PortalSession.objects.filter(pk=session.pk).update(last_seen_at=now, ip_address=ip)
    return session


@transaction.atomic
def api_token_end(*, session: PortalSession) -> None:
    if PortalSession.objects.filter(pk=session.pk).delete()[0] and session.person is not None:
        audit.record(
            "api_token_ended",
            organisation_id=session.organisation_id,
            contact_id=session.person.contact_id,
            actor=session.person.audit_actor(),
        )
