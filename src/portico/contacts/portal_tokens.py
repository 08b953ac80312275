"""One-time links: 256 random bits in the email, only their SHA-256 in the database.

A token is bound to its organisation, contact person and purpose, is single use and expires.
`token_check` names what is wrong with a link so each case gets its own clear page.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.utils import timezone

from portico.contacts.models import ContactPerson, PortalToken
from portico.core.errors import DomainError
from portico.orgs.models import Organisation

Purpose = PortalToken.Purpose
RESET_LIFETIME = timedelta(hours=1)


class TokenProblem(StrEnum):
    INVALID = "invalid"  # malformed, tampered with, or never issued
    FOREIGN = "foreign"  # issued by another organisation, or for another purpose
    USED = "used"
    EXPIRED = "expired"
    REPLACED = "replaced"  # a newer link was sent; only the newest works


class TokenRejected(DomainError):
    code = "token_rejected"

    def __init__(self, problem: TokenProblem, token: PortalToken | None = None) -> None:
        super().__init__(f"This link cannot be used ({problem}).", code=f"token_{problem}")
        self.problem = problem
        self.token = token


def token_by_hash(*, token_hash: str) -> PortalToken | None:
    return (
        PortalToken.objects.with_hash(token_hash)
        .select_related("person__contact", "person__user", "organisation")
        .first()
    )


def lifetime(purpose: str) -> timedelta:
    if purpose == Purpose.INVITATION:
        return timedelta(days=settings.PORTICO_INVITATION_DAYS)
    return RESET_LIFETIME


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_issue(*, person: ContactPerson, purpose: str) -> tuple[PortalToken, str]:
    """A new token for `person`; earlier open tokens of the same purpose stop working.

    Returns the row and the secret (which exists only in the email from here on).
    """
    PortalToken.objects.open().filter(person=person, purpose=purpose).update(
        revoked_at=timezone.now()
    )
    secret = secrets.token_urlsafe(32)
    token = PortalToken.objects.create(
        organisation_id=person.organisation_id,
        person=person,
        purpose=purpose,
        token_hash=hash_secret(secret),
        expires_at=timezone.now() + lifetime(purpose),
    )
    return token, secret


def token_check(*, organisation: Organisation, secret: str, purpose: str) -> PortalToken:
    """The usable token for `secret`, or `TokenRejected` saying why not."""
    if not 20 <= len(secret) <= 100:
        raise TokenRejected(TokenProblem.INVALID)
    token = token_by_hash(token_hash=hash_secret(secret))
    if token is None:
        raise TokenRejected(TokenProblem.INVALID)
    if token.organisation_id != organisation.pk or token.purpose != purpose:
        raise TokenRejected(TokenProblem.FOREIGN)
    if token.used_at is not None:
        raise TokenRejected(TokenProblem.USED, token)
    if token.revoked_at is not None:
        raise TokenRejected(TokenProblem.REPLACED, token)
    if token.is_expired:
        raise TokenRejected(TokenProblem.EXPIRED, token)
    return token


def revoke_open_tokens(*, person_ids: list[int], purposes: list[str] | None = None) -> None:
    now = timezone.now()
    for start in range(0, len(person_ids), 500):
        tokens = PortalToken.objects.open().filter(person_id__in=person_ids[start : start + 500])
        if purposes is not None:
            tokens = tokens.filter(purpose__in=purposes)
        tokens.update(revoked_at=now)


def token_for_renewal(*, organisation: Organisation, secret: str) -> PortalToken | None:
    """A used or expired link of this organisation that has not yet asked for a new one."""
    if not 20 <= len(secret) <= 100:
        return None
    token = token_by_hash(token_hash=hash_secret(secret))
    if token is None or token.organisation_id != organisation.pk or token.revoked_at is not None:
        return None
    if token.used_at is None and not token.is_expired:
        return None
    return token
