"""What a contact person does to documents in the portal: one service per action.

Each calls the owning app's service for the state change, then records the activity and tells
the business, all in one transaction (the email leaves after commit).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portico.activity import services
from portico.activity.models import Comment, EstimateAcceptance, Notification
from portico.activity.services import Origin
from portico.contacts.scope import PortalScope
from portico.core import text as typed
from portico.core.errors import DomainError, InvalidTransition
from portico.projects import services as project_services
from portico.projects.models import TimesheetApproval
from portico.sales import services as sales_services
from portico.sales.models import Estimate

Kind = Notification.Kind
Status = Estimate.Status
SIGNATURE_MAX_LENGTH = 200
REASON_MAX_LENGTH = 2000

ANSWERED_MESSAGES: dict[str, Any] = {
    Status.ACCEPTED: gettext_lazy("This estimate was already accepted."),
    Status.DECLINED: gettext_lazy(
        "This estimate was declined; ask for a new one if you changed your mind."
    ),
    Status.EXPIRED: gettext_lazy("This estimate has expired; ask for a new one."),
    Status.INVOICED: gettext_lazy("This estimate was accepted and has already been invoiced."),
    Status.DRAFT: gettext_lazy("This estimate is not open for an answer."),
}


def _answerable(estimate: Estimate) -> None:
    """Refuse, with a message for people, an answer to an estimate that cannot take one."""
    if estimate.status not in (Status.SENT, Status.VIEWED):
        raise DomainError(
            str(ANSWERED_MESSAGES.get(estimate.status, ANSWERED_MESSAGES[Status.DRAFT])),
            code="estimate_answered",
        )


def _required(text: str, *, field: str, message: str, limit: int) -> str:
    value = " ".join((text or "").split()) if field == "signed_name" else (text or "").strip()
    if not value:
        raise DomainError(message, code=f"{field}_required", field=field)
    if len(value) > limit:
        raise DomainError(
            _("At most %(limit)s characters.") % {"limit": limit},
            code=f"{field}_too_long",
            field=field,
        )
    return value


def _lock_answerable(estimate: Estimate) -> Estimate:
    locked = sales_services.estimate_lock(estimate)
    _answerable(locked)
    return locked


def _transition_message(error: InvalidTransition) -> DomainError:
    return DomainError(
        str(ANSWERED_MESSAGES.get(error.current, ANSWERED_MESSAGES[Status.DRAFT])),
        code="estimate_answered",
    )


def _tell(
    scope: PortalScope,
    *,
    action: str,
    kind: str,
    target: Model,
    text: services.NotificationText,
    origin: Origin,
    detail: str = "",
    key_target: Model | None = None,
) -> None:
    """Record the action in the activity log and notify the business once."""
    services.activity_record(
        scope=scope, action=action, target=target, detail=detail, origin=origin
    )
    services.notify_for_scope(
        scope=scope,
        kind=kind,
        key=services.event_key(kind, key_target or target),
        text=text,
        target=target,
    )


@transaction.atomic
def estimate_accept_from_portal(
    *, scope: PortalScope, estimate: Estimate, signed_name: str, origin: Origin
) -> Estimate:
    """Accept with a typed name as signature; keeps time, IP and the total at that moment."""
    services.ensure_in_scope(scope, estimate)
    name = _required(
        signed_name,
        field="signed_name",
        message=_("Type your full name to sign."),
        limit=SIGNATURE_MAX_LENGTH,
    )
    locked = _lock_answerable(estimate)
    try:
        accepted = sales_services.estimate_accept_locked(
            estimate=locked, signed_name=name, ip=origin.ip
        )
    except InvalidTransition as error:
        raise _transition_message(error) from None
    EstimateAcceptance.objects.create(
        organisation=scope.organisation,
        estimate=accepted,
        person=scope.person,
        user_agent=origin.user_agent[:300],
        total=accepted.total,
        currency=accepted.currency,
    )
    _tell(
        scope,
        action="estimate_accepted",
        kind=Kind.ESTIMATE_ACCEPTED,
        target=accepted,
        detail=typed.isolate(name),
        origin=origin,
        text=lambda: typed.fill(
            _("%(customer)s accepted estimate %(number)s (signed “%(name)s”)."),
            {"customer": scope.contact.display_name, "number": accepted.number, "name": name},
        ),
    )
    if services.settings_of(scope.organisation).convert_accepted_estimates:
        invoice = sales_services.estimate_convert_to_invoice(estimate=accepted)
        sales_services.invoice_send(invoice=invoice)
        accepted.refresh_from_db()
    return accepted


@transaction.atomic
def estimate_decline_from_portal(
    *, scope: PortalScope, estimate: Estimate, reason: str, origin: Origin
) -> Estimate:
    services.ensure_in_scope(scope, estimate)
    text = _required(
        reason,
        field="reason",
        message=_("Tell the business why you decline."),
        limit=REASON_MAX_LENGTH,
    )
    locked = _lock_answerable(estimate)
    try:
        declined = sales_services.estimate_decline(estimate=locked, reason=text)
    except InvalidTransition as error:
        raise _transition_message(error) from None
    _tell(
        scope,
        action="estimate_declined",
        kind=Kind.ESTIMATE_DECLINED,
        target=declined,
        detail=typed.isolate(text),
        origin=origin,
        text=lambda: typed.fill(
            _("%(customer)s declined estimate %(number)s: %(reason)s"),
            {"customer": scope.contact.display_name, "number": declined.number, "reason": text},
        ),
    )
    return declined


@transaction.atomic
def estimate_request_changes(
    *, scope: PortalScope, estimate: Estimate, message: str, origin: Origin
) -> Comment:
    """Ask for changes: the estimate stays open, the message joins its comments."""
    services.ensure_in_scope(scope, estimate)
    text = _required(
        message,
        field="message",
        message=_("Say what you would like changed."),
        limit=REASON_MAX_LENGTH,
    )
    locked = _lock_answerable(estimate)
    comment = services.comment_add_from_portal(
        scope=scope, target=locked, body=text, kind=Comment.Kind.CHANGE_REQUEST, origin=origin
    )
    _tell(
        scope,
        action="estimate_changes_requested",
        kind=Kind.ESTIMATE_CHANGES,
        target=locked,
        key_target=comment,
        origin=origin,
        text=lambda: typed.fill(
            _("%(customer)s asked for changes to estimate %(number)s: %(message)s"),
            {"customer": scope.contact.display_name, "number": locked.number, "message": text},
        ),
    )
    return comment


@transaction.atomic
def timesheet_approve_from_portal(
    *, scope: PortalScope, approval: TimesheetApproval, origin: Origin
) -> TimesheetApproval:
    services.ensure_in_scope(scope, approval)
    decided = project_services.timesheet_approve_in_transaction(
        approval=approval, person=scope.person
    )
    _tell(
        scope,
        action="timesheet_approved",
        kind=Kind.TIMESHEET_APPROVED,
        target=decided,
        origin=origin,
        text=lambda: typed.fill(
            _("%(customer)s approved the %(document)s."),
            {"customer": scope.contact.display_name},
            words={"document": services.target_label(decided, isolated=True)},
        ),
    )
    return decided


@transaction.atomic
def timesheet_reject_from_portal(
    *, scope: PortalScope, approval: TimesheetApproval, reason: str, origin: Origin
) -> TimesheetApproval:
    services.ensure_in_scope(scope, approval)
    text = _required(
        reason,
        field="reason",
        message=_("Say why the time is rejected."),
        limit=REASON_MAX_LENGTH,
    )
    decided = project_services.timesheet_reject(approval=approval, person=scope.person, reason=text)
    _tell(
        scope,
        action="timesheet_rejected",
        kind=Kind.TIMESHEET_REJECTED,
        target=decided,
        detail=typed.isolate(text),
        origin=origin,
        text=lambda: typed.fill(
            _("%(customer)s rejected the %(document)s: %(reason)s"),
            {"customer": scope.contact.display_name, "reason": text},
            words={"document": services.target_label(decided, isolated=True)},
        ),
    )
    return decided
