"""Reads for portal access: organisations by slug, a user's portal persons, tokens, sessions.

Pages for documents read through their own app's selectors, always taking a `PortalScope`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from django.http import Http404
from django.shortcuts import get_object_or_404

from portico.contacts.models import ContactPerson, PortalSession
from portico.orgs.models import Organisation

if TYPE_CHECKING:
    from portico.accounts.models import User


def organisation_for_portal(*, slug: str) -> Organisation:
    """The organisation at /portal/<slug>/, with its preferences; 404 when there is none."""
    return get_object_or_404(Organisation.objects.select_related("portal_preferences"), slug=slug)


def person_for_password_reset(*, organisation: Organisation, email: str) -> ContactPerson | None:
    """An active portal person of `organisation` with this email (any letter case)."""
    return (
        ContactPerson.objects.in_organisation(organisation)
        .select_related("user", "contact")
        .filter(
            email__iexact=email.strip(),
            portal_status=ContactPerson.PortalStatus.ACTIVE,
            user__isnull=False,
            contact__is_deleted=False,
        )
        .first()
    )


def sessions_of_user(*, user: User) -> list[PortalSession]:
    return list(PortalSession.objects.of_user(user.pk).select_related("organisation"))


def session_of_user(*, user: User, session_id: UUID) -> PortalSession:
    """One of the user's own sessions; anyone else's answers 404 like a missing one."""
    session = PortalSession.objects.of_user(user.pk).filter(public_id=session_id).first()
    if session is None:
        raise Http404("No such session.")
    return session


def persons_by_ids(*, person_ids: list[int]) -> list[ContactPerson]:
    return list(
        ContactPerson.objects.with_pks(person_ids).select_related(
            "contact", "organisation__portal_preferences", "user"
        )
    )
