"""Personal document links: issue, check, revoke (the model: `contacts.models.links`).

The secret (256 random bits) exists only in the email; the table keeps its SHA-256, hashed
the same way as the portal's one-time links (`portal_tokens.hash_secret`). A link is bound to
its organisation, person and document, expires, and is revoked with the document (voided) or
with the person's portal access (disabled).
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable
from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from portico.contacts.models import ContactPerson, DocumentLink
from portico.contacts.portal_tokens import TokenProblem, TokenRejected, hash_secret
from portico.orgs.models import Organisation
from portico.orgs.selectors import preferences_of

Status = ContactPerson.PortalStatus


def link_issue(
    *, person: ContactPerson, kind: str, document_id: uuid.UUID
) -> tuple[DocumentLink, str]:
    """A new link for `person` to one document; returns the row and the secret."""
    days = preferences_of(person.organisation).document_link_days
    secret = secrets.token_urlsafe(32)
    link = DocumentLink.objects.create(
        organisation_id=person.organisation_id,
        person=person,
        document_kind=kind,
        document_id=document_id,
        token_hash=hash_secret(secret),
        expires_at=timezone.now() + timedelta(days=days),
    )
    return link, secret


def link_by_secret(*, organisation: Organisation, secret: str) -> DocumentLink | None:
    """The link of this organisation with this secret, whatever its state."""
    if not 20 <= len(secret) <= 100:
        return None
    return (
        DocumentLink.objects.filter(organisation=organisation, token_hash=hash_secret(secret))
        .select_related("person__contact", "person__user", "organisation")
        .first()
    )


def link_problem(link: DocumentLink) -> TokenProblem | None:
    """Why `link` no longer opens its document, or None while it does."""
    if link.revoked_at is not None or link.person.portal_status == Status.DISABLED:
        return TokenProblem.REPLACED
    if link.person.contact.is_deleted:
        return TokenProblem.REPLACED
    if link.is_expired:
        return TokenProblem.EXPIRED
    return None


def link_check(*, organisation: Organisation, secret: str) -> DocumentLink:
    """The usable link for `secret`, or `TokenRejected` saying why not."""
    link = link_by_secret(organisation=organisation, secret=secret)
    if link is None:
        raise TokenRejected(TokenProblem.INVALID)
    problem = link_problem(link)
    if problem is not None:
        raise TokenRejected(problem)
    return link


def link_get_live(*, organisation: Organisation, link_id: int) -> DocumentLink | None:
    """A link a session holds, re-checked on every request (revocation takes effect at once)."""
    link = (
        DocumentLink.objects.filter(organisation=organisation, pk=link_id)
        .select_related("person__contact", "organisation")
        .first()
    )
    if link is None or link_problem(link) is not None:
        return None
    return link


def link_record_use(*, link: DocumentLink) -> None:
    DocumentLink.objects.filter(pk=link.pk).update(
        use_count=F("use_count") + 1, last_used_at=timezone.now()
    )


def links_revoke_for_document(*, document_id: uuid.UUID) -> int:
    return (
        DocumentLink.objects.for_document(document_id)
        .filter(revoked_at__isnull=True)
        .update(revoked_at=timezone.now())
    )


def links_revoke_for_persons(*, person_ids: Iterable[int]) -> int:
    ids = list(person_ids)
    revoked = 0
    for start in range(0, len(ids), 500):
        revoked += DocumentLink.objects.filter(
            person_id__in=ids[start : start + 500], revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
    return revoked
