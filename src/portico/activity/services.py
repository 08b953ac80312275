"""Writes for comments, notifications, "viewed" marks and the portal's activity log.

Import the module: `from portico.activity import services`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import mail_admins
from django.db import IntegrityError, models, transaction
from django.db.models.constants import OnConflict
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portico.accounts import selectors as account_selectors
from portico.accounts.models import normalise_email
from portico.activity.mail import compose_email, language_for, send_after_commit, site_link
from portico.activity.models import (
    COMMENT_MAX_LENGTH,
    DETAIL_LENGTH,
    ActivityLog,
    Comment,
    Notification,
    NotificationSettings,
)
from portico.contacts.models import ContactPerson
from portico.contacts.scope import PortalScope
from portico.core import events, uploads
from portico.core import text as typed
from portico.core.errors import DomainError
from portico.core.models import FailedTask
from portico.core.prepared import Read, bind
from portico.orgs.models import Organisation
from portico.orgs.selectors import preferences_of
from portico.projects.models import TimesheetApproval
from portico.sales import services as sales_services
from portico.sales.models import Attachment, Estimate, Invoice, SalesOrder

if TYPE_CHECKING:
    from portico.accounts.models import User
    from portico.contacts.models import Contact

Kind = Notification.Kind
NotificationText = str | Callable[[], str]
"""A notification's words: a callable is called in each language the staff read."""
Target = Estimate | Invoice | SalesOrder | TimesheetApproval

TARGET_FIELDS: dict[type[models.Model], str] = {
    Estimate: "estimate",
    Invoice: "invoice",
    SalesOrder: "sales_order",
    TimesheetApproval: "approval",
}


@dataclass(frozen=True)
class Origin:
    """Where a portal action came from (kept in the activity log)."""

    ip: str | None = None
    user_agent: str = ""


def target_field(target: models.Model) -> str:
    try:
        return TARGET_FIELDS[type(target)]
    except KeyError:
        raise DomainError("Comments are not possible here.", code="bad_target") from None


def target_label(target: models.Model, *, isolated: bool = False) -> str:
    """How a document is named to people: its number, or the approval's project and date;
    `isolated` for a notification's sentence, where those typed parts go between isolates."""
    shown: Callable[[object], str] = typed.isolate if isolated else str
    if isinstance(target, TimesheetApproval):
        return _("timesheet %(approval)s") % {"approval": shown(target)}
    kinds: dict[type[models.Model], str] = {
        Estimate: _("estimate"),
        Invoice: _("invoice"),
        SalesOrder: _("sales order"),
    }
    kind = kinds.get(type(target), "")
    if isinstance(target, Invoice) and target.kind == Invoice.Kind.RETAINER:
        kind = _("retainer invoice")
    return f"{kind} {shown(getattr(target, 'number', target))}".strip()


def _contact_id_of(target: models.Model) -> int:
    if isinstance(target, TimesheetApproval):
        return target.project.contact_id
    return target.contact_id  # type: ignore[attr-defined]


def ensure_not_preview(scope: PortalScope) -> None:
    """A staff preview of the portal reads only: every write for it is refused here, the
    one place the portal's writes pass through (`ensure_in_scope`, the log, notifications)."""
    if scope.preview:
        raise DomainError(
            _("This is a staff preview of the portal: nothing can be changed from it."),
            code="staff_preview",
        )


def ensure_in_scope(scope: PortalScope, target: models.Model) -> None:
    """The selectors already scoped the target; this refuses a service call that did not."""
    ensure_not_preview(scope)
    if (
        getattr(target, "organisation_id", None) != scope.organisation.pk
        or _contact_id_of(target) != scope.contact.pk
    ):
        raise DomainError("This document belongs to someone else.", code="foreign_record")


# --- activity log ------------------------------------------------------------------------------


def activity_record(
    *,
    scope: PortalScope,
    action: str,
    target: models.Model | None = None,
    detail: str = "",
    origin: Origin | None = None,
) -> ActivityLog:
    """Append one line to the customer's activity log; `detail` is a sentence with its typed
    parts between isolates (`core.text.fill`, `isolate`), shown to staff part by part."""
    ensure_not_preview(scope)
    origin = origin or Origin()
    return ActivityLog.objects.create(
        organisation=scope.organisation,
        contact=scope.contact,
        person=scope.person,
        action=action,
        target_kind=(target._meta.model_name or "") if target is not None else "",
        target_id=getattr(target, "public_id", None),
        target_label=target_label(target)[:100] if target is not None else "",
        detail=typed.cut(detail, DETAIL_LENGTH),
        ip_address=origin.ip,
        user_agent=origin.user_agent[:300],
    )


def portal_preview_start(
    *, user: User, person: ContactPerson, origin: Origin | None = None
) -> ActivityLog:
    """A staff member opens the portal as `person` ("View portal as this customer"): refused
    unless the person may use the portal; logged in the customer's activity, by whom."""
    if person.portal_status != ContactPerson.PortalStatus.ACTIVE or person.contact.is_deleted:
        raise DomainError(
            _("%(person)s cannot use the portal yet, so there is nothing to preview.")
            % {"person": person},
            code="preview_unavailable",
        )
    origin = origin or Origin()
    return ActivityLog.objects.create(
        organisation_id=person.organisation_id,
        contact=person.contact,
        person=person,
        actor_kind=ActivityLog.ActorKind.STAFF,
        actor_user=user,
        actor_label=user.email,
        action="staff_preview",
        detail=typed.cut(
            typed.fill(_("Portal viewed by staff: %(email)s"), {"email": user.email}), DETAIL_LENGTH
        ),
        ip_address=origin.ip,
        user_agent=origin.user_agent[:300],
    )


# --- notifications -----------------------------------------------------------------------------


def settings_of(organisation: Organisation) -> NotificationSettings:
    """Saved settings, or the defaults for an organisation that never saved any."""
    try:
        return organisation.notification_settings
    except NotificationSettings.DoesNotExist:
        return NotificationSettings(organisation=organisation)


def _wants_email(organisation: Organisation, kind: str) -> bool:
    if not organisation.primary_email:
        return False
    if not preferences_of(organisation).notify_by_email:
        return False
    return settings_of(organisation).emails(kind)


def _email_business(
    notification: Notification, organisation: Organisation, languages: dict[str, str]
) -> None:
    to = organisation.primary_email
    send_after_commit(
        compose_email(
            organisation=organisation,
            to=[to],
            template="activity/email/notification",
            # The staff member at that address reads their language; else the organisation's.
            language=languages.get(normalise_email(to)) or language_for(organisation=organisation),
            subject=lambda: typed.fill(
                _("[%(org)s] %(text)s"),
                {"org": organisation.name},
                words={"text": notification.shown_text},
            ),
            context={
                "notification": notification,
                "link": site_link("/admin/activity/notification/"),
            },
            reply_to=[],
        )
    )


def _texts(
    organisation: Organisation, text: NotificationText, languages: dict[str, str]
) -> tuple[str, dict[str, str]]:
    """The text in the organisation's language, and in each language its staff read."""
    if not callable(text):
        return typed.cut(text, 500), {}
    home = language_for(organisation=organisation)
    texts = {}
    for language in sorted({home, *languages.values()}):
        with translation.override(language):
            texts[language] = typed.cut(str(text()), 500)
    return texts[home], texts


@transaction.atomic(savepoint=False)
def notification_create(
    *,
    organisation: Organisation,
    kind: str,
    event_key: str,
    text: NotificationText,
    contact: Contact | None = None,
    person: ContactPerson | None = None,
    target: models.Model | None = None,
    **links: Any,
) -> Notification | None:
    """Tell the business about one event, exactly once per `event_key`.

    `text` is called in each language the organisation's staff read (each member's own, else
    the organisation's), so every member reads it, and is emailed it, in their language.
    Answers the new notification, or None when this event was already notified (a replayed
    request, two tabs, a task run twice). The email is queued after the transaction commits.
    """
    if target is not None:
        links[target_field(target)] = target
    languages = account_selectors.staff_languages(organisation=organisation)
    shown, texts = _texts(organisation, text, languages)
    notification = Notification(
        organisation=organisation,
        kind=kind,
        event_key=event_key[:120],
        text=shown,
        texts=texts,
        contact=contact,
        person=person,
        **links,
    )
    emailed = _wants_email(organisation, kind)
    if emailed:
        notification.emailed_at = timezone.now()  # queued below, once the row is in
    if not _insert_once(notification):
        return None
    if emailed:
        _email_business(notification, organisation, languages)
    _emit_for(notification, target)
    return notification


def _insert_once(notification: Notification) -> bool:
    """Insert `notification` unless its event was notified already: one statement that skips
    a row whose `event_key` the organisation has (no savepoint, and a duplicate leaves the
    caller's transaction usable). False for a duplicate; any other refusal raises."""
    meta = Notification._meta
    fields = [f for f in meta.local_concrete_fields if not f.generated and f is not meta.auto_field]
    returning = meta.db_returning_fields
    rows = Notification._base_manager._insert(  # type: ignore[attr-defined]
        [notification], fields=fields, returning_fields=returning, on_conflict=OnConflict.IGNORE
    )
    if not rows or rows[0] is None:
        if Notification.objects.filter(
            organisation_id=notification.organisation_id, event_key=notification.event_key
        ).exists():
            return False
        raise IntegrityError(f"The notification {notification.event_key!r} was not saved.")
    for value, field in zip(rows[0], returning, strict=True):
        setattr(notification, field.attname, value)
    notification._state.adding = False
    notification._state.db = Notification._base_manager.db
    return True


# What the customer did, as outgoing events (payments emit their own, from `payments`).
NOTIFIED_EVENTS: dict[str, str] = {
    Notification.Kind.VIEWED: "document.viewed",
    Notification.Kind.ESTIMATE_ACCEPTED: "estimate.accepted",
    Notification.Kind.ESTIMATE_DECLINED: "estimate.declined",
    Notification.Kind.ESTIMATE_CHANGES: "estimate.changes_requested",
    Notification.Kind.TIMESHEET_APPROVED: "timesheet.approved",
    Notification.Kind.TIMESHEET_REJECTED: "timesheet.rejected",
    Notification.Kind.COMMENTED: "comment.created",
    Notification.Kind.DETAILS_UPDATED: "contact.details_updated",
    Notification.Kind.REVIEWED: "review.created",
    Notification.Kind.MESSAGED: "message.created",
}


def _emit_for(notification: Notification, target: models.Model | None) -> None:
    event_type = NOTIFIED_EVENTS.get(notification.kind)
    if event_type is None:
        return
    data: dict[str, Any] = {"object": "notification", "id": str(notification.public_id)}
    data["text"] = typed.sentence(notification.text)
    if notification.contact is not None:
        data["contact"] = str(notification.contact.public_id)
    if notification.person is not None:
        data["person"] = str(notification.person.public_id)
    if target is not None and hasattr(target, "public_id"):
        data["target"] = {"object": target_field(target), "id": str(target.public_id)}
    events.emit(organisation_id=notification.organisation_id, type=event_type, data=data)


@transaction.atomic
def notification_mark_read(*, organisation: Organisation, notification_ids: list[int]) -> int:
    """Mark the organisation's notifications read; answers how many changed."""
    return Notification.objects.filter(
        organisation=organisation, pk__in=notification_ids, read_at__isnull=True
    ).update(read_at=timezone.now())


def _notify(
    scope: PortalScope,
    kind: str,
    key: str,
    text: NotificationText,
    target: models.Model | None = None,
) -> Notification | None:
    ensure_not_preview(scope)
    return notification_create(
        organisation=scope.organisation,
        kind=kind,
        event_key=key,
        text=text,
        contact=scope.contact,
        person=scope.person,
        target=target,
    )


def event_key(kind: str, target: models.Model, suffix: object = "") -> str:
    base = f"{kind}:{target._meta.model_name}:{getattr(target, 'public_id', target.pk)}"
    return f"{base}:{suffix}" if suffix != "" else base


# --- viewed ------------------------------------------------------------------------------------


def document_mark_viewed(
    *,
    scope: PortalScope,
    document: Target,
    origin: Origin | None = None,
    seen: bool | None = None,
) -> bool:
    """A contact person opened `document` in the portal: keep the first time, notify once.

    Only portal views call this (staff previews go through the back office and never count).
    Answers whether this was the first view. A document already viewed costs no query, not
    even a transaction. An approval keeps no viewed time: `seen` is whether its first view was
    already notified, when the page read that with its other queries (`approval_seen_read`);
    otherwise this reads it.
    """
    if scope.preview or getattr(document, "first_viewed_at", None) is not None:
        return False  # a staff preview never counts as the customer's view
    if isinstance(document, TimesheetApproval):
        if seen is None:
            seen = approval_seen_read(scope=scope, approval=document).run()
        if seen:
            return False
    return _first_view(scope=scope, document=document, origin=origin)


def approval_seen_read(*, scope: PortalScope, approval: TimesheetApproval) -> Read[bool]:
    """Whether the first view of `approval` was notified (the notification itself marks it)."""
    seen = Notification.objects.filter(
        organisation=scope.organisation, event_key=event_key(Kind.VIEWED, approval)
    ).values("pk")[:1]
    return Read(bind(seen), bool)


@transaction.atomic
def _first_view(*, scope: PortalScope, document: Target, origin: Origin | None) -> bool:
    ensure_in_scope(scope, document)
    now = timezone.now()
    if isinstance(document, Estimate):
        sales_services.estimate_mark_viewed(estimate=document, when=now)
    elif isinstance(document, Invoice):
        sales_services.invoice_mark_viewed(invoice=document, when=now)
    elif isinstance(document, SalesOrder):
        SalesOrder.objects.filter(pk=document.pk, first_viewed_at__isnull=True).update(
            first_viewed_at=now
        )
    if hasattr(document, "first_viewed_at"):
        document.first_viewed_at = now
    created = _notify(
        scope,
        Kind.VIEWED,
        event_key(Kind.VIEWED, document),
        lambda: typed.fill(
            _("%(customer)s viewed %(document)s for the first time."),
            {"customer": scope.contact.display_name},
            words={"document": target_label(document, isolated=True)},
        ),
        document,
    )
    if created is not None:
        activity_record(scope=scope, action="viewed", target=document, origin=origin)
    return created is not None


# --- comments ----------------------------------------------------------------------------------


def _clean_body(body: str) -> str:
    text = (body or "").strip()
    if not text:
        raise DomainError(_("Write a comment first."), code="comment_empty", field="body")
    if len(text) > COMMENT_MAX_LENGTH:
        raise DomainError(
            _("A comment is at most %(limit)s characters.") % {"limit": COMMENT_MAX_LENGTH},
            code="comment_too_long",
            field="body",
        )
    return text


@transaction.atomic
def comment_add_from_portal(
    *,
    scope: PortalScope,
    target: Target,
    body: str,
    kind: str = Comment.Kind.COMMENT,
    origin: Origin | None = None,
    file: UploadedFile | None = None,
) -> Comment:
    """A contact person writes on a document, optionally with one file; the business is told.

    The file is vetted (`core.uploads.check_upload`) before anything is written, so a
    refused file (`AttachmentRefused`, field "file") leaves neither the comment nor the file.
    """
    ensure_in_scope(scope, target)
    text = _clean_body(body)
    checked = uploads.check_upload(file) if file is not None else None
    comment = Comment.objects.create(
        organisation=scope.organisation,
        contact=scope.contact,
        kind=kind,
        author_person=scope.person,
        body=text,
        show_in_portal=True,
        **{target_field(target): target},
    )
    attachment = (
        _attach(scope.organisation, target, comment, checked, show_in_portal=True)
        if checked is not None
        else None
    )
    try:
        if kind == Comment.Kind.COMMENT:
            _notify_commented(scope, target, comment, attachment)
            activity_record(scope=scope, action="commented", target=target, origin=origin)
        if attachment is not None:
            activity_record(
                scope=scope,
                action="attached_file",
                target=target,
                detail=typed.isolate(attachment.name),
                origin=origin,
            )
    except BaseException:
        if attachment is not None:
            attachment.file.delete(save=False)  # the rows roll back; do not keep the file
        raise
    return comment


def _attach(
    organisation: Organisation,
    target: Target,
    comment: Comment,
    checked: uploads.CheckedFile,
    *,
    show_in_portal: bool,
) -> Attachment:
    """Store a vetted file under its generated name, on the document and its comment."""
    attachment = Attachment(
        organisation=organisation,
        name=checked.original_name,
        show_in_portal=show_in_portal,
        comment=comment,
        **{target_field(target): target},
    )
    attachment.file.save(checked.stored_name, ContentFile(checked.content), save=False)
    try:
        attachment.save()
    except BaseException:
        attachment.file.delete(save=False)
        raise
    return attachment


def _notify_commented(
    scope: PortalScope, target: Target, comment: Comment, attachment: Attachment | None
) -> None:

    def text() -> str:
        names = {"person": scope.person.full_name, "customer": scope.contact.display_name}
        document = {"document": target_label(target, isolated=True)}
        if attachment is None:
            return typed.fill(
                _("%(person)s (%(customer)s) commented on %(document)s."), names, words=document
            )
        return typed.fill(
            _("%(person)s (%(customer)s) commented on %(document)s and attached %(file)s."),
            {**names, "file": attachment.name},
            words=document,
        )

    _notify(scope, Kind.COMMENTED, event_key(Kind.COMMENTED, comment), text, target)


@transaction.atomic
def comment_add_from_staff(
    *,
    user: User,
    organisation: Organisation,
    target: Target,
    body: str,
    show_in_portal: bool,
    file: UploadedFile | None = None,
) -> Comment:
    """Staff write on a document, optionally with one vetted file; the customer sees the
    comment (and its file) only with `show_in_portal`, an internal note otherwise."""
    if getattr(target, "organisation_id", None) != organisation.pk:
        raise DomainError("This document belongs to another organisation.", code="foreign_record")
    text = _clean_body(body)
    checked = uploads.check_upload(file) if file is not None else None
    comment = Comment.objects.create(
        organisation=organisation,
        contact_id=_contact_id_of(target),
        author_user=user,
        body=text,
        show_in_portal=show_in_portal,
        **{target_field(target): target},
    )
    if checked is not None:
        _attach(organisation, target, comment, checked, show_in_portal=show_in_portal)
    events.emit(
        organisation_id=organisation.pk,
        type="comment.created",
        data={
            "object": "comment",
            "id": str(comment.public_id),
            "author": "staff",
            "show_in_portal": show_in_portal,
            "target": {"object": target_field(target), "id": str(target.public_id)},
        },
    )
    return comment


@transaction.atomic
def comment_set_visibility(*, comment: Comment, show_in_portal: bool) -> Comment:
    """Staff show or hide one of their comments in the portal (a customer's always shows)."""
    if comment.by_customer:
        raise DomainError(
            "A customer's comment always shows in the portal.", code="customer_comment"
        )
    comment.show_in_portal = show_in_portal
    comment.save(update_fields=["show_in_portal", "updated_at"])
    return comment


def notify_for_scope(
    *,
    scope: PortalScope,
    kind: str,
    key: str,
    text: NotificationText,
    target: models.Model | None = None,
) -> Notification | None:
    """A notification about something `scope`'s person just did (for the portal actions)."""
    return _notify(scope, kind, key, text, target)


def failed_task_notify(failed: FailedTask) -> None:
    """`core.jobs.task_failed`: tell the organisation the work was for (one notification per
    failed task), or the site's ADMINS for work that belongs to no organisation."""

    def text() -> str:
        return _("Background work failed: %(task)s (%(error)s). See Failed tasks to retry it.") % {
            "task": failed.task_name,
            "error": failed.error.rsplit(".", 1)[-1],
        }

    organisation = (
        Organisation.objects.filter(pk=failed.organisation_id).first()
        if failed.organisation_id is not None
        else None
    )
    if organisation is None:
        mail_admins(text(), f"{failed.message}\n\n{failed.traceback}", fail_silently=True)
        return
    notification_create(
        organisation=organisation,
        kind=Notification.Kind.TASK_FAILED,
        event_key=f"task_failed:{failed.pk}",
        text=text,
    )
