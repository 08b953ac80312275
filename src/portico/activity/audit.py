"""The audit trail's writer (`core.audit.recorded`) and its sign-in events from Django's auth
signals (and django-axes' lock-out): rows of `ActivityLog`, in each organisation concerned.

Events of a login go to the organisation whose portal the request is at (one row per contact
person of the login there), else to every organisation of the login: a staff member's
memberships, a portal user's persons. A failed sign-in names the address tried only when it is a
login of that organisation; otherwise it says "unknown address" and keeps nothing typed (a
password typed into the address field must never be stored).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest
from django.utils.translation import gettext as _

from portico.accounts.models import Membership, User, normalise_email
from portico.activity.models import DETAIL_LENGTH, ActivityLog
from portico.contacts.models import ContactPerson
from portico.core import audit
from portico.core import text as typed
from portico.orgs.models import Organisation

DOCUMENT_MODELS = {"estimate", "invoice", "salesorder", "timesheetapproval"}


def portal_organisation_id(request: HttpRequest | None) -> int | None:
    """The organisation whose portal (pages `/portal/<org_slug>/`, API `/portal/{org}/`) the
    request is at, or None for the back office and everything else."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return None
    slug = match.kwargs.get("org_slug") or match.kwargs.get("org")  # only portal URLs have it
    if not slug:
        return None
    return Organisation.objects.filter(slug=slug).values_list("pk", flat=True).first()


def _target(event: audit.AuditEvent) -> dict[str, Any]:
    target = event.target
    if target is None:
        return {"target_label": event.target_label[:100]}
    from portico.activity.services import target_label

    name = target._meta.model_name or ""
    label = event.target_label or (target_label(target) if name in DOCUMENT_MODELS else "")
    return {
        "target_kind": name,
        "target_id": getattr(target, "public_id", None),
        "target_label": (label or str(target))[:100],
    }


def _row(
    event: audit.AuditEvent,
    organisation_id: int,
    *,
    contact_id: int | None = None,
    person: ContactPerson | None = None,
) -> ActivityLog:
    actor = event.actor
    label = actor.label
    person_id = actor.person_id
    if person is not None and actor.kind == "person" and person_id is None:
        person_id, label = person.pk, person.audit_actor().label
    elif person is not None and actor.kind == "anonymous" and actor.label:
        person_id = None  # a failed sign-in: the person it claimed to be is the target
    return ActivityLog(
        organisation_id=organisation_id,
        kind=event.kind,
        contact_id=contact_id,
        person_id=person_id,
        actor_kind=actor.kind,
        actor_user_id=actor.user_id if actor.kind == "staff" else None,
        actor_label=label[:200],
        action=event.action,
        detail=typed.cut(event.detail, DETAIL_LENGTH),
        ip_address=event.ip,
        user_agent=event.user_agent[: audit.USER_AGENT_LENGTH],
        **(
            _target(event)
            if person is None or event.target is not None
            else {"target_kind": "contactperson", "target_label": str(person)[:100]}
        ),
    )


def _rows_for_login(event: audit.AuditEvent) -> list[ActivityLog]:
    assert event.user_id is not None
    portal = portal_organisation_id(event.request)
    persons = ContactPerson.objects.filter(user_id=event.user_id).select_related("contact")
    if portal is not None:
        return [
            _row(event, portal, contact_id=person.contact_id, person=person)
            for person in persons.filter(organisation_id=portal)
        ]
    organisations = list(
        Membership.objects.filter(user_id=event.user_id).values_list("organisation_id", flat=True)
    )
    rows = [_row(event, organisation_id) for organisation_id in organisations]
    rows += [
        _row(event, person.organisation_id, contact_id=person.contact_id, person=person)
        for person in persons
    ]
    staff_id = event.actor.user_id
    if event.actor.kind == "staff" and staff_id is not None and staff_id != event.user_id:
        # Staff acting on someone else's login (a second factor reset): only in their own
        # organisations, never telling another business who they are.
        theirs = set(
            Membership.objects.filter(user_id=staff_id).values_list("organisation_id", flat=True)
        )
        rows = [row for row in rows if row.organisation_id in theirs]
    return rows


def write(events: list[audit.AuditEvent]) -> None:
    """`core.audit.recorded`: the events as rows, in the caller's transaction."""
    rows: list[ActivityLog] = []
    for event in events:
        if event.organisation_id is not None:
            rows.append(_row(event, event.organisation_id, contact_id=event.contact_id))
        else:
            rows.extend(_rows_for_login(event))
    ActivityLog.objects.bulk_create(rows, batch_size=500)


# --- sign-in signals -------------------------------------------------------------------------


def _signed_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    audit.record_for_user("signed_in", user_id=user.pk, actor=user.audit_actor(), request=request)


def _signed_out(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is not None and user.pk is not None:
        actor = user.audit_actor()
        audit.record_for_user("signed_out", user_id=user.pk, actor=actor, request=request)


def _claimed(action: str, name: str | None, request: HttpRequest) -> None:
    """A failed or locked-out sign-in as `name`: kept where `name` is a login (staff) or the
    portal it was tried at; the address only where it belongs to that organisation."""
    user = User.objects.filter(email=normalise_email(name)).first() if name else None
    portal = portal_organisation_id(request)
    if portal is None and (user is None or not user.is_staff):
        return  # the back office, for an address that is no staff login: nobody's to keep
    if user is not None and (
        portal is None or ContactPerson.objects.filter(organisation_id=portal, user=user).exists()
    ):
        actor = audit.Actor("anonymous", user.email)
        audit.record_for_user(action, user_id=user.pk, actor=actor, request=request)
        return
    assert portal is not None
    audit.record(
        action,
        organisation_id=portal,
        actor=audit.Actor("anonymous"),
        detail=_("unknown address"),
        request=request,
    )


def _sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    if request is not None:
        _claimed("sign_in_failed", credentials.get("email") or credentials.get("username"), request)


def _locked_out(
    sender: Any, request: HttpRequest | None, username: str | None, **kwargs: Any
) -> None:
    if request is not None:
        _claimed("locked_out", username, request)


def connect() -> None:
    from axes.signals import user_locked_out

    audit.recorded.register(write)
    user_logged_in.connect(_signed_in, dispatch_uid="portico-audit-signed-in")
    user_logged_out.connect(_signed_out, dispatch_uid="portico-audit-signed-out")
    user_login_failed.connect(_sign_in_failed, dispatch_uid="portico-audit-sign-in-failed")
    user_locked_out.connect(_locked_out, dispatch_uid="portico-audit-locked-out")
