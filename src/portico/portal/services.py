"""Writes for portal access: enable, invite, accept, disable, passwords, sessions, two-factor."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from importlib import import_module
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portico.accounts import selectors as account_selectors
from portico.accounts.models import User, normalise_email
from portico.activity.mail import OutgoingEmail, render_email, send_after_commit
from portico.contacts.models import ContactPerson
from portico.core.errors import DomainError
from portico.orgs.models import Organisation
from portico.orgs.selectors import preferences_of
from portico.portal import selectors, tokens
from portico.portal.models import PortalSession, PortalToken

if TYPE_CHECKING:
    from django.contrib.sessions.backends.base import SessionBase

Status = ContactPerson.PortalStatus
Purpose = PortalToken.Purpose
INVITATION_BATCH = 200
RECOVERY_CODES = 10


@dataclass
class EnableReport:
    """What a (bulk) enable did: persons invited, and those skipped with the reason."""

    enabled: list[int] = field(default_factory=list)
    skipped: list[tuple[ContactPerson, str]] = field(default_factory=list)


# --- email -----------------------------------------------------------------------------------


def portal_link(organisation: Organisation, path: str = "") -> str:
    return f"{settings.SITE_URL}/portal/{organisation.slug}/{path}"


def _email_person(*, person: ContactPerson, template: str, subject: str, **context: object) -> None:
    organisation = person.organisation
    logo_url = f"{settings.SITE_URL}{organisation.logo.url}" if organisation.logo else ""
    text, html = render_email(
        f"portal/email/{template}",
        {
            "organisation": organisation,
            "preferences": preferences_of(organisation),
            "person": person,
            "logo_url": logo_url,
            "portal_url": portal_link(organisation),
            **context,
        },
    )
    send_after_commit(
        OutgoingEmail(
            to=[person.email],
            subject=subject,
            text=text,
            html=html,
            reply_to=[organisation.primary_email],
        )
    )


def _send_invitation(person: ContactPerson) -> None:
    _token, secret = tokens.token_issue(person=person, purpose=Purpose.INVITATION)
    _email_person(
        person=person,
        template="invitation",
        subject=_("%(organisation)s invites you to its client portal")
        % {"organisation": person.organisation.name},
        link=portal_link(person.organisation, f"invitation/{secret}"),
        days=settings.PORTICO_INVITATION_DAYS,
    )


def _send_reset(person: ContactPerson) -> None:
    _token, secret = tokens.token_issue(person=person, purpose=Purpose.PASSWORD_RESET)
    _email_person(
        person=person,
        template="password_reset",
        subject=_("Set a new password for %(organisation)s's client portal")
        % {"organisation": person.organisation.name},
        link=portal_link(person.organisation, f"password/reset/{secret}"),
    )


# --- enabling and disabling ------------------------------------------------------------------


def _skip_reason(row: Mapping[str, object]) -> str | None:
    if not row["email"]:
        return _("no email address")
    if row["contact__is_deleted"]:
        return _("the customer is deleted")
    if row["portal_status"] == Status.ACTIVE:
        return _("already active")
    if row["portal_status"] == Status.INVITED:
        return _("already invited (use Reinvite)")
    return None


@transaction.atomic
def portal_access_enable_many(
    *, persons: QuerySet[ContactPerson], role: str | None = None
) -> EnableReport:
    """Invite every person in `persons` who can be invited; say why the others were skipped.

    Bulk queries only, whatever the number of persons; the invitations themselves are
    issued and sent by tasks after commit (`portal.tasks.portal_invitations_send`).
    """
    report = EnableReport()
    rows = list(
        persons.values("pk", "email", "portal_status", "contact__is_deleted", "organisation_id")
    )
    todo: dict[int, str] = {}
    skipped: list[tuple[int, str]] = []
    for row in rows:
        reason = _skip_reason(row)
        if reason:
            skipped.append((int(row["pk"]), reason))  # type: ignore[call-overload]
        else:
            todo[int(row["pk"])] = normalise_email(str(row["email"]))  # type: ignore[call-overload]

    users = account_selectors.users_by_emails(emails=set(todo.values()))
    for pk, email in list(todo.items()):
        if email in users and users[email].is_staff:
            skipped.append((pk, _("the email belongs to a back-office user")))
            del todo[pk]
    missing = sorted(set(todo.values()) - set(users))
    User.objects.bulk_create(
        [User(email=email, password=make_password(None)) for email in missing], batch_size=1000
    )
    # Each person points at the login with their (lower-cased) address: one UPDATE per batch.
    login_of_person = account_selectors.login_pk_for_email(OuterRef("email"))
    changes: dict[str, object] = {"portal_status": Status.INVITED, "user_id": login_of_person}
    if role:
        changes["portal_role"] = role
    person_ids = list(todo)
    for start in range(0, len(person_ids), 500):
        ContactPerson.objects.with_pks(person_ids[start : start + 500]).update(**changes)

    report.enabled = list(todo)
    if skipped:
        by_pk = {p.pk: p for p in persons.filter(pk__in=[pk for pk, _ in skipped])}
        report.skipped = [(by_pk[pk], reason) for pk, reason in skipped]
    _queue_invitations(report.enabled)
    return report


def _queue_invitations(person_ids: list[int]) -> None:
    from portico.portal import tasks

    for start in range(0, len(person_ids), INVITATION_BATCH):
        batch = person_ids[start : start + INVITATION_BATCH]
        transaction.on_commit(partial(tasks.portal_invitations_send.enqueue, batch))


@transaction.atomic
def portal_access_enable(
    *,
    person: ContactPerson,
    password: str | None = None,
    role: str | None = None,
    send_invite: bool = True,
) -> ContactPerson:
    """Open the portal for one person: an invitation by email, or a password staff set."""
    if not person.email:
        raise DomainError(
            _("%(person)s has no email address; add one to enable the portal.")
            % {"person": person},
            code="no_email",
            field="email",
        )
    if person.portal_status == Status.ACTIVE:
        return person
    if person.portal_status == Status.INVITED and password is None:
        portal_access_reinvite(person=person)
        return person
    report = portal_access_enable_many(
        persons=ContactPerson.objects.with_pks([person.pk]),
        role=role,
    )
    if report.skipped:
        raise DomainError(report.skipped[0][1], code="portal_enable_refused")
    person.refresh_from_db()
    if password is not None:
        assert person.user is not None
        _set_password(person.user, password)
        ContactPerson.objects.with_pks([person.pk]).update(portal_status=Status.ACTIVE)
        tokens.revoke_open_tokens(person_ids=[person.pk])
        person.refresh_from_db()
    return person


def portal_invitations_issue(*, person_ids: list[int]) -> int:
    """Issue and email a fresh invitation to each still-invited person (safe to run twice)."""
    sent = 0
    for person in selectors.persons_by_ids(person_ids=person_ids):
        if person.portal_status != Status.INVITED:
            continue
        with transaction.atomic():
            _send_invitation(person)
        sent += 1
    return sent


@transaction.atomic
def portal_access_reinvite(*, person: ContactPerson) -> ContactPerson:
    """A new invitation; older ones stop working."""
    if person.portal_status != Status.INVITED:
        raise DomainError(
            _("Only invited persons can be reinvited; %(person)s is %(status)s.")
            % {"person": person, "status": person.get_portal_status_display().lower()},
            code="not_invited",
        )
    _send_invitation(person)
    return person


def _session_store() -> type[SessionBase]:
    return import_module(settings.SESSION_ENGINE).SessionStore  # type: ignore[no-any-return]


def _end_sessions(sessions: Iterable[PortalSession]) -> int:
    store = _session_store()
    ended = 0
    for session in sessions:
        store(session_key=session.session_key).delete()
        session.delete()
        ended += 1
    return ended


@transaction.atomic
def portal_access_disable_many(*, persons: QuerySet[ContactPerson]) -> int:
    """Close the portal for these persons: their links die and their sessions end now."""
    targets = list(persons.exclude(portal_status=Status.DISABLED).values_list("pk", "user_id"))
    person_ids = [pk for pk, _ in targets]
    for start in range(0, len(person_ids), 500):
        ContactPerson.objects.with_pks(person_ids[start : start + 500]).update(
            portal_status=Status.DISABLED
        )
    tokens.revoke_open_tokens(person_ids=person_ids)
    user_ids = {user_id for _, user_id in targets if user_id}
    for user_id in user_ids:
        _end_sessions(PortalSession.objects.of_user(user_id))
    return len(person_ids)


def portal_access_disable(*, person: ContactPerson) -> None:
    portal_access_disable_many(persons=ContactPerson.objects.with_pks([person.pk]))
    person.refresh_from_db()


# --- invitations, passwords ------------------------------------------------------------------


def _set_password(user: User, password: str) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), code="weak_password", field="password") from None
    user.set_password(password)
    user.save(update_fields=["password"])


@transaction.atomic
def portal_invitation_accept(
    *, organisation: Organisation, secret: str, password: str
) -> ContactPerson:
    """Redeem an invitation: the person sets a password and becomes active."""
    token = tokens.token_check(organisation=organisation, secret=secret, purpose=Purpose.INVITATION)
    person = token.person
    if person.portal_status != Status.INVITED or person.user is None:
        raise tokens.TokenRejected(tokens.TokenProblem.REPLACED, token)
    _set_password(person.user, password)
    token.used_at = timezone.now()
    token.save(update_fields=["used_at", "updated_at"])
    tokens.revoke_open_tokens(person_ids=[person.pk], purposes=[Purpose.INVITATION])
    person.portal_status = Status.ACTIVE
    person.save(update_fields=["portal_status", "updated_at"])
    # Another password means other browsers of this login must log in again.
    _end_sessions(PortalSession.objects.of_user(person.user.pk))
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
        _send_invitation(person)
    elif person.portal_status == Status.ACTIVE and person.user is not None:
        _send_reset(person)


@transaction.atomic
def portal_password_reset_request(*, organisation: Organisation, email: str) -> None:
    """Email a reset link if `email` belongs to an active person here; silent otherwise."""
    person = selectors.person_for_password_reset(organisation=organisation, email=email)
    if person is not None:
        _send_reset(person)


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
    _set_password(person.user, password)
    token.used_at = timezone.now()
    token.save(update_fields=["used_at", "updated_at"])
    _end_sessions(PortalSession.objects.of_user(person.user.pk))
    _notify_password_changed(person)
    return person


def _notify_password_changed(person: ContactPerson) -> None:
    _email_person(
        person=person,
        template="password_changed",
        subject=_("Your %(organisation)s portal password was changed")
        % {"organisation": person.organisation.name},
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
    _set_password(user, new)
    _end_sessions(PortalSession.objects.of_user(user.pk).exclude(session_key=keep_session_key))
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
    PortalSession.objects.update_or_create(
        session_key=session_key,
        defaults={
            "user": user,
            "organisation": organisation,
            "user_agent": user_agent[:300],
            "ip_address": ip_address,
            "last_seen_at": timezone.now(),
        },
    )


@transaction.atomic
def portal_session_end(*, session: PortalSession) -> None:
    _end_sessions([session])


@transaction.atomic
def portal_sessions_end_others(*, user: User, keep_session_key: str | None) -> int:
    return _end_sessions(
        PortalSession.objects.of_user(user.pk).exclude(session_key=keep_session_key)
    )


def portal_logout_record(*, session_key: str | None) -> None:
    if session_key:
        PortalSession.objects.with_key(session_key).delete()


# --- two-factor ------------------------------------------------------------------------------


@transaction.atomic
def portal_two_factor_enable(*, user: User, key: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm an authenticator app (its secret `key`) and make fresh recovery codes."""
    for device in devices_for_user(user, confirmed=None):
        device.delete()
    totp = TOTPDevice.objects.create(user=user, name="Authenticator app", key=key, confirmed=True)
    static = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    return totp, codes


@transaction.atomic
def portal_two_factor_disable(*, user: User) -> None:
    for device in devices_for_user(user, confirmed=None):
        device.delete()


@transaction.atomic
def portal_two_factor_reset(*, person: ContactPerson) -> None:
    """Staff: remove the person's second factor (a lost phone); their sessions end."""
    if person.user is None:
        return
    portal_two_factor_disable(user=person.user)
    _end_sessions(PortalSession.objects.of_user(person.user.pk))
