"""Portal access from the back office and the portal alike: enable, invite, reinvite, disable.

The status rules of `ContactPerson.portal_status`, the invitation email (a one-time link from
`contacts.portal_tokens`) and ending a person's sessions have this one home, so the back office
opens and closes the portal without importing the portal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
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
from django.utils.translation import gettext as _
from django_tasks import task

from portico.accounts import selectors as account_selectors
from portico.accounts import two_factor
from portico.accounts.models import User, normalise_email
from portico.activity.mail import compose_email, language_for, send_after_commit
from portico.contacts import document_links
from portico.contacts import portal_tokens as tokens
from portico.contacts.models import ContactPerson, PortalSession, PortalToken
from portico.core import audit, events
from portico.core.errors import DomainError
from portico.orgs.models import Organisation

if TYPE_CHECKING:
    from django.contrib.sessions.backends.base import SessionBase

Status = ContactPerson.PortalStatus
Purpose = PortalToken.Purpose
INVITATION_BATCH = 200


@dataclass
class EnableReport:
    """What a (bulk) enable did: persons invited, and those skipped with the reason."""

    enabled: list[int] = field(default_factory=list)
    skipped: list[tuple[ContactPerson, str]] = field(default_factory=list)


# --- email -----------------------------------------------------------------------------------


def portal_link(organisation: Organisation, path: str = "") -> str:
    return f"{settings.SITE_URL}/portal/{organisation.slug}/{path}"


def email_person(
    *, person: ContactPerson, template: str, subject: Callable[[], str], **context: object
) -> None:
    """Email `person` in their language (person, customer, organisation); `subject` is called
    inside that language."""
    organisation = person.organisation
    send_after_commit(
        compose_email(
            organisation=organisation,
            to=[person.email],
            template=f"portal/email/{template}",
            language=language_for(organisation=organisation, contact=person.contact, person=person),
            subject=subject,
            context={"person": person, "portal_url": portal_link(organisation), **context},
        )
    )


def send_invitation(person: ContactPerson) -> None:
    _token, secret = tokens.token_issue(person=person, purpose=Purpose.INVITATION)
    email_person(
        person=person,
        template="invitation",
        subject=lambda: (
            _("%(organisation)s invites you to its client portal")
            % {"organisation": person.organisation.name}
        ),
        link=portal_link(person.organisation, f"invitation/{secret}"),
        days=settings.PORTICO_INVITATION_DAYS,
    )


def send_password_reset(person: ContactPerson) -> None:
    _token, secret = tokens.token_issue(person=person, purpose=Purpose.PASSWORD_RESET)
    email_person(
        person=person,
        template="password_reset",
        subject=lambda: (
            _("Set a new password for %(organisation)s's client portal")
            % {"organisation": person.organisation.name}
        ),
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
    *, persons: QuerySet[ContactPerson], role: str | None = None, send: bool = True
) -> EnableReport:
    """Invite every person in `persons` who can be invited; say why the others were skipped.

    Bulk queries only, whatever the number of persons; the invitations themselves are
    issued and sent by tasks after commit (`portal_invitations_send` below), unless `send`
    is off: the persons are then invited without an email, to be (re)invited later.
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
            skipped.append((int(row["pk"]), reason))
        else:
            todo[int(row["pk"])] = normalise_email(str(row["email"]))

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
    _emit_access("portal_access.enabled", report.enabled)
    _audit_access("portal_invited", report.enabled, detail=f"role: {role}" if role else "")
    if skipped:
        by_pk = {p.pk: p for p in persons.filter(pk__in=[pk for pk, _ in skipped])}
        report.skipped = [(by_pk[pk], reason) for pk, reason in skipped]
    if send:
        _queue_invitations(report.enabled)
    return report


def _queue_invitations(person_ids: list[int]) -> None:
    for start in range(0, len(person_ids), INVITATION_BATCH):
        batch = person_ids[start : start + INVITATION_BATCH]
        transaction.on_commit(partial(portal_invitations_send.enqueue, batch))


@transaction.atomic
def portal_access_enable(
    *,
    person: ContactPerson,
    password: str | None = None,
    role: str | None = None,
    send_invite: bool = True,
) -> ContactPerson:
    """Open the portal for one person: an invitation by email, or a password staff set.

    With `send_invite` off and no password, the person is invited but no email goes out
    (staff send it later with Reinvite)."""
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
        if send_invite:
            portal_access_reinvite(person=person)
        return person
    report = portal_access_enable_many(
        persons=ContactPerson.objects.with_pks([person.pk]),
        role=role,
        # A password opens the portal at once: there is nothing to accept by email.
        send=send_invite and password is None,
    )
    if report.skipped:
        raise DomainError(report.skipped[0][1], code="portal_enable_refused")
    person.refresh_from_db()
    if password is not None:
        assert person.user is not None
        set_password(person.user, password)
        ContactPerson.objects.with_pks([person.pk]).update(portal_status=Status.ACTIVE)
        tokens.revoke_open_tokens(person_ids=[person.pk])
        person.refresh_from_db()
        _audit_access("portal_enabled", [person.pk], detail="password set by staff")
    return person


def portal_invitations_issue(*, person_ids: list[int]) -> int:
    """Issue and email a fresh invitation to each still-invited person (safe to run twice)."""
    sent = 0
    persons = ContactPerson.objects.with_pks(person_ids).select_related(
        "contact", "organisation__portal_preferences", "user"
    )
    for person in persons:
        if person.portal_status != Status.INVITED:
            continue
        with transaction.atomic():
            send_invitation(person)
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
    send_invitation(person)
    _audit_access("portal_invited", [person.pk], detail="invitation sent again")
    return person


@transaction.atomic
def portal_role_set(*, person: ContactPerson, role: str) -> ContactPerson:
    """What the person may see and do in the portal (`ContactPerson.PortalRole`)."""
    if role not in ContactPerson.PortalRole.values:
        raise DomainError(
            f"Unknown portal role {role!r}.", code="invalid_role", field="portal_role"
        )
    before = ContactPerson.objects.with_pks([person.pk]).values_list("portal_role", flat=True)
    old = before.first()
    if old != role:
        ContactPerson.objects.with_pks([person.pk]).update(portal_role=role)
        _audit_access("portal_role_changed", [person.pk], detail=f"{old} → {role}")
    person.portal_role = role
    return person


def _session_store() -> type[SessionBase]:
    return import_module(settings.SESSION_ENGINE).SessionStore


def end_sessions(sessions: Iterable[PortalSession]) -> int:
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
    document_links.links_revoke_for_persons(person_ids=person_ids)
    user_ids = {user_id for _, user_id in targets if user_id}
    for user_id in user_ids:
        end_sessions(PortalSession.objects.of_user(user_id))
    _emit_access("portal_access.disabled", person_ids)
    _audit_access("portal_disabled", person_ids)
    return len(person_ids)


def _emit_access(event_type: str, person_ids: list[int]) -> None:
    """One event per 500 persons: a bulk change stays a bounded number of queries."""
    for start in range(0, len(person_ids), 500):
        rows = ContactPerson.objects.with_pks(person_ids[start : start + 500]).values_list(
            "organisation_id", "public_id", "contact__public_id", "email"
        )
        by_organisation: dict[int, list[dict[str, str]]] = {}
        for organisation_id, public_id, contact_id, email in rows:
            by_organisation.setdefault(organisation_id, []).append(
                {"id": str(public_id), "contact": str(contact_id), "email": email}
            )
        for organisation_id, persons in by_organisation.items():
            events.emit(
                organisation_id=organisation_id,
                type=event_type,
                data={"object": "list", "contact_persons": persons},
            )


def _audit_access(action: str, person_ids: list[int], *, detail: str = "") -> None:
    """One row per person in the audit trail of the person's organisation (by batches)."""
    for start in range(0, len(person_ids), 500):
        persons = ContactPerson.objects.with_pks(person_ids[start : start + 500]).only(
            "pk", "public_id", "organisation_id", "contact_id", "first_name", "last_name"
        )
        audit.record_many(
            [
                audit.event(
                    action,
                    organisation_id=person.organisation_id,
                    contact_id=person.contact_id,
                    target=person,
                    detail=detail,
                )
                for person in persons
            ]
        )


def portal_access_disable(*, person: ContactPerson) -> None:
    portal_access_disable_many(persons=ContactPerson.objects.with_pks([person.pk]))
    person.refresh_from_db()


# --- passwords and second factors ------------------------------------------------------------


def set_password(user: User, password: str) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), code="weak_password", field="password") from None
    user.set_password(password)
    user.save(update_fields=["password"])


@transaction.atomic
def portal_two_factor_disable(*, user: User) -> None:
    two_factor.two_factor_disable(user=user)


@transaction.atomic
def portal_two_factor_reset(*, person: ContactPerson) -> None:
    """Staff: remove the person's second factor (a lost phone); their sessions end."""
    if person.user is None:
        return
    portal_two_factor_disable(user=person.user)
    end_sessions(PortalSession.objects.of_user(person.user.pk))


@task()
def portal_invitations_send(person_ids: list[int]) -> int:
    """Issue and email invitations for a batch of persons enabled in bulk."""
    return portal_invitations_issue(person_ids=person_ids)
