"""Portal-side writes: accept an invitation, passwords, sessions, two-factor.

Enabling, inviting, reinviting and disabling (shared with the back office) live in
`portico.activity.invitations`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from portico.accounts import two_factor
from portico.accounts.models import User
from portico.activity import invitations
from portico.contacts import portal_tokens as tokens
from portico.contacts.models import ContactPerson, PortalSession, PortalToken
from portico.core import audit
from portico.core.errors import DomainError
from portico.orgs.models import Organisation
from portico.portal import selectors

if TYPE_CHECKING:
    pass

Status = ContactPerson.PortalStatus
Purpose = PortalToken.Purpose
RECOVERY_CODES = two_factor.RECOVERY_CODES


# --- email -----------------------------------------------------------------------------------


# --- invitations, passwords ------------------------------------------------------------------


@transaction.atomic
def portal_invitation_accept(
    *, organisation: Organisation, secret: str, password: str
) -> ContactPerson:
    """Redeem an invitation: the person sets a password and becomes active."""
    token = tokens.token_check(organisation=organisation, secret=secret, purpose=Purpose.INVITATION)
    person = token.person
    if person.portal_status != Status.INVITED or person.user is None:
        raise tokens.TokenRejected(tokens.TokenProblem.REPLACED, token)
    invitations.set_password(person.user, password)
    token.used_at = timezone.now()
    token.save(update_fields=["used_at", "updated_at"])
    tokens.revoke_open_tokens(person_ids=[person.pk], purposes=[Purpose.INVITATION])
    person.portal_status = Status.ACTIVE
    person.save(update_fields=["portal_status", "updated_at"])
    # Another password means other browsers of this login must log in again.
    invitations.end_sessions(PortalSession.objects.of_user(person.user.pk))
    audit.record(
        "portal_enabled",
        organisation_id=organisation.pk,
        contact_id=person.contact_id,
        actor=person.audit_actor(),
        target=person,
        detail="invitation accepted",
    )
    return person


@transaction.atomic
def portal_link_renew(*, organisation: Organisation, token: PortalToken) -> None:
    """Send me a new link, from a used or expired link: only ever to the person's own email.

    An invited person gets a new invitation, an active one a password-reset link; anyone
    else gets nothing (the page says the same either way).
    """
    if token.organisation_id != organisation.pk:
        return
    # One new link per old one: the old link cannot ask again.
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at", "updated_at"])
    person = token.person
    if person.contact.is_deleted or not person.email:
        return
    if person.portal_status == Status.INVITED:
        invitations.send_invitation(person)
    elif person.portal_status == Status.ACTIVE and person.user is not None:
        invitations.send_password_reset(person)


@transaction.atomic
def portal_password_reset_request(*, organisation: Organisation, email: str) -> None:
    """Email a reset link if `email` belongs to an active person here; silent otherwise."""
    person = selectors.person_for_password_reset(organisation=organisation, email=email)
    if person is not None:
        invitations.send_password_reset(person)


@transaction.atomic
def portal_password_reset_complete(
    *, organisation: Organisation, secret: str, password: str
) -> ContactPerson:
    token = tokens.token_check(
        organisation=organisation, secret=secret, purpose=Purpose.PASSWORD_RESET
    )
    person = token.person
    if person.user is None or person.portal_status != Status.ACTIVE:
        raise tokens.TokenRejected(tokens.TokenProblem.REPLACED, token)
    invitations.set_password(person.user, password)
    token.used_at = timezone.now()
    token.save(update_fields=["used_at", "updated_at"])
    invitations.end_sessions(PortalSession.objects.of_user(person.user.pk))
    _audit_password("password_reset", person)
    _notify_password_changed(person)
    return person


def _audit_password(action: str, person: ContactPerson) -> None:
    audit.record(
        action,
        organisation_id=person.organisation_id,
        contact_id=person.contact_id,
        actor=person.audit_actor(),
        target=person,
    )


def _notify_password_changed(person: ContactPerson) -> None:
    invitations.email_person(
        person=person,
        template="password_changed",
        subject=lambda: (
            _("Your %(organisation)s portal password was changed")
            % {"organisation": person.organisation.name}
        ),
    )


@transaction.atomic
def portal_password_change(
    *, scope_person: ContactPerson, current: str, new: str, keep_session_key: str | None
) -> None:
    """Change the password (the current one is required) and end every other session."""
    user = scope_person.user
    assert user is not None
    if not user.check_password(current):
        raise DomainError(
            _("Your current password is not correct."), code="wrong_password", field="current"
        )
    invitations.set_password(user, new)
    invitations.end_sessions(
        PortalSession.objects.of_user(user.pk).exclude(session_key=keep_session_key)
    )
    _audit_password("password_changed", scope_person)
    _notify_password_changed(scope_person)


# --- sessions --------------------------------------------------------------------------------


@transaction.atomic
def portal_login_record(
    *, user: User, organisation: Organisation, session_key: str, user_agent: str, ip: str | None
) -> None:
    """A successful portal login: the session is listed and the persons' last login set."""
    now = timezone.now()
    portal_session_touch(
        user=user,
        organisation=organisation,
        session_key=session_key,
        user_agent=user_agent,
        ip_address=ip,
    )
    ContactPerson.objects.in_organisation(organisation).filter(user=user).update(
        portal_last_login=now
    )


def portal_session_touch(
    *,
    user: User,
    organisation: Organisation,
    session_key: str,
    user_agent: str,
    ip_address: str | None,
) -> None:
    """List the session, or mark it seen: a plain UPDATE, no row lock held past the statement
    (a person's concurrent requests never wait on each other's touch)."""
    fields = {
        "user": user,
        "organisation": organisation,
        "user_agent": user_agent[:300],
        "ip_address": ip_address,
        "last_seen_at": timezone.now(),
    }
    if not PortalSession.objects.with_key(session_key).update(**fields):
        PortalSession.objects.get_or_create(session_key=session_key, defaults=fields)


@transaction.atomic
def portal_session_end(*, session: PortalSession) -> None:
    invitations.end_sessions([session])


@transaction.atomic
def portal_sessions_end_others(*, user: User, keep_session_key: str | None) -> int:
    return invitations.end_sessions(
        PortalSession.objects.of_user(user.pk).exclude(session_key=keep_session_key)
    )


def portal_logout_record(*, session_key: str | None) -> None:
    if session_key:
        PortalSession.objects.with_key(session_key).delete()


# --- two-factor ------------------------------------------------------------------------------


def portal_two_factor_enable(*, user: User, key: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm an authenticator app (its secret `key`) and make fresh recovery codes."""
    return two_factor.two_factor_enable(user=user, key=key)
