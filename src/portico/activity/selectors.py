"""Reads of comments, notifications and the activity log, filtered by their principal first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.db.models import Exists, F, FilteredRelation, Model, OuterRef, Q, QuerySet

from portico.activity.models import Comment, Notification
from portico.activity.services import target_field
from portico.contacts.scope import PortalScope, ScopedQuery
from portico.core.prepared import Read
from portico.sales.models import Estimate

if TYPE_CHECKING:
    from portico.orgs.models import Organisation


@dataclass(frozen=True)
class PortalFile:
    """A file posted with a comment, as the thread links it."""

    public_id: UUID
    name: str


def comments_for_portal(*, scope: PortalScope, target: Model) -> list[Comment]:
    """The thread on `target` the customer may see: their own and staff's shown ones, each
    with its files shown in the portal as `comment.portal_files`, all in one prepared query."""
    return comments_read(scope=scope, target=target).run()


def comments_read(*, scope: PortalScope, target: Model) -> Read[list[Comment]]:
    """`comments_for_portal`, to read with the page's other queries."""
    return Read(
        _PORTAL_COMMENTS.bound(scope, shape=target_field(target), target_id=target.pk), _threaded
    )


def _threaded(rows: list[Any]) -> list[Comment]:
    comments: list[Any] = []
    for row in rows:  # one row per comment and file, a comment's rows next to each other
        if not comments or comments[-1].pk != row.pk:
            row.portal_files = []
            comments.append(row)
        if row.file_id is not None:
            comments[-1].portal_files.append(PortalFile(row.file_id, row.file_name))
    return comments


def _portal_comments(scope: PortalScope, field: str, target_id: int) -> QuerySet[Comment]:
    return (
        Comment.objects.filter(
            organisation=scope.organisation,
            contact=scope.contact,
            show_in_portal=True,
            **{f"{field}_id": target_id},
        )
        .select_related("author_user", "author_person")
        .annotate(
            shown=FilteredRelation("attachments", condition=Q(attachments__show_in_portal=True))
        )
        .annotate(file_id=F("shown__public_id"), file_name=F("shown__name"))
        .order_by("created_at", "id", "shown__created_at", "shown__id")
    )


_PORTAL_COMMENTS: ScopedQuery[Any] = ScopedQuery(_portal_comments, target_id=-90_203)


def comments_for_staff(*, organisation: Organisation, target: Model) -> list[Comment]:
    """The whole thread on `target` for the business, internal notes included, oldest first,
    each with its files (`comment.attachments`): two queries whatever its length."""
    return list(
        Comment.objects.filter(organisation=organisation, **{target_field(target): target})
        .select_related("author_user", "author_person")
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )


def notifications_unread_count(*, organisation: Organisation) -> int:
    return Notification.objects.filter(organisation=organisation, read_at__isnull=True).count()


RECENT_ACTIVITY_LIMIT = 8


def notifications_recent(
    *, organisation: Organisation, limit: int = RECENT_ACTIVITY_LIMIT
) -> list[Notification]:
    """What customers did lately (viewed, accepted, paid, commented…), newest first, one query."""
    return list(
        Notification.objects.filter(organisation=organisation)
        .select_related("contact")
        .order_by("-created_at", "-id")[:limit]
    )


def change_requests_unanswered(*, organisation: Organisation) -> QuerySet[Comment]:
    """Customers' change requests on estimates still open, with no staff comment after them."""
    staff_reply_after = Comment.objects.filter(
        organisation=organisation,
        estimate_id=OuterRef("estimate_id"),
        author_user__isnull=False,
        created_at__gt=OuterRef("created_at"),
    )
    return Comment.objects.filter(
        organisation=organisation,
        kind=Comment.Kind.CHANGE_REQUEST,
        estimate__status__in=[Estimate.Status.SENT, Estimate.Status.VIEWED],
    ).exclude(Exists(staff_reply_after))


def notifications_for_staff(
    *, organisation: Organisation, unread: bool = False
) -> QuerySet[Notification]:
    notifications = Notification.objects.filter(organisation=organisation).select_related("contact")
    return notifications.filter(read_at__isnull=True) if unread else notifications
