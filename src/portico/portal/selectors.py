"""Reads for portal access: organisations by slug, a user's portal persons, tokens, sessions.

Pages for documents read through their own app's selectors, always taking a `PortalScope`.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from portico.contacts.models import ContactPerson, PortalSession
from portico.core.prepared import Prepared
from portico.core.timezones import zone_of
from portico.orgs.models import Organisation, PortalAddressAlias

if TYPE_CHECKING:
    from portico.accounts.models import User


class PortalMoved(Exception):
    """The portal asked for lives at a new address (`portico.portal.middleware` redirects)."""

    def __init__(self, *, old_slug: str, new_slug: str) -> None:
        super().__init__(f"/portal/{old_slug}/ moved to /portal/{new_slug}/")
        self.old_slug = old_slug
        self.new_slug = new_slug


def organisation_for_portal(*, slug: str) -> Organisation:
    """The organisation at /portal/<slug>/, with its preferences; 404 when there is none.

    Every portal request resolves its organisation here, so this is also where the
    organisation's time zone becomes the current one (`OrganisationMiddleware` resets it when
    the response is done): due dates, overdue and statements count from the business's today.
    """
    organisation = (
        Organisation.objects.select_related("portal_preferences").filter(slug=slug).first()
    )
    if organisation is None:
        # A live address always wins; only an address nobody uses now may be a former one.
        moved_to = (
            PortalAddressAlias.objects.filter(slug=slug)
            .values_list("organisation__slug", flat=True)
            .first()
        )
        if moved_to is not None:
            raise PortalMoved(old_slug=slug, new_slug=moved_to)
        raise Http404("No such portal.")
    timezone.activate(zone_of(organisation.timezone))
    return organisation


_PERSONS_AT_PORTAL: Prepared[ContactPerson] = Prepared(
    lambda slug, user_id: (
        ContactPerson.objects.filter(organisation__slug=slug, user_id=user_id)
        .select_related(
            "contact", "organisation__portal_preferences", "organisation__notification_settings"
        )
        .order_by("contact__display_name", "pk")
    ),
    slug="\x00prepared-slug",
    user_id=-90_001,
)


def portal_for_user(*, slug: str, user: User) -> tuple[Organisation, list[ContactPerson]]:
    """The organisation at /portal/<slug>/ (as `organisation_for_portal`) and every contact
    person linked to `user` there, whatever the status: one query for a customer's request;
    only a user with no person there costs the organisation's own query."""
    persons = _PERSONS_AT_PORTAL.rows(slug=slug, user_id=user.pk)
    if not persons:
        return organisation_for_portal(slug=slug), []
    organisation = persons[0].organisation
    for person in persons:
        person.organisation = organisation
    timezone.activate(zone_of(organisation.timezone))
    return organisation, persons


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
    """The user's live sessions: browsers seen within the idle timeout and signed in within the
    absolute one (any other is logged out at its next request, `scoping.session_expired`), and
    API tokens not expired. As long as the sessions in use, whatever the history of logins."""
    now = timezone.now()
    return _LIVE_SESSIONS.rows(
        user_id=user.pk,
        seen_since=now - datetime.timedelta(seconds=settings.SESSION_IDLE_SECONDS),
        signed_in_since=now - datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE),
        now=now,
    )


def _live_sessions(
    user_id: int,
    seen_since: datetime.datetime,
    signed_in_since: datetime.datetime,
    now: datetime.datetime,
) -> QuerySet[PortalSession]:
    browsers = Q(
        token_hash__isnull=True, last_seen_at__gte=seen_since, created_at__gte=signed_in_since
    )
    tokens = Q(token_hash__isnull=False) & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))
    return (
        PortalSession.objects.of_user(user_id)
        .filter(browsers | tokens)
        .only("public_id", "user_agent", "ip_address", "last_seen_at", "session_key", "user_id")
    )


_SAMPLE_TIME = datetime.datetime(1001, 2, 3, 4, 5, 6, tzinfo=datetime.UTC)
_LIVE_SESSIONS: Prepared[PortalSession] = Prepared(
    _live_sessions,
    user_id=-90_301,
    seen_since=_SAMPLE_TIME,
    signed_in_since=_SAMPLE_TIME + datetime.timedelta(seconds=1),
    now=_SAMPLE_TIME + datetime.timedelta(seconds=2),
)


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
