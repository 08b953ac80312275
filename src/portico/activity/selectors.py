"""Reads of comments, notifications and the activity log, filtered by their principal first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.db.models import F, FilteredRelation, Model, Q, QuerySet

from portico.activity.models import Comment, Notification
from portico.activity.services import target_field
from portico.contacts.scope import PortalScope

if TYPE_CHECKING:
    from portico.orgs.models import Organisation


@dataclass(frozen=True)
class PortalFile:
    """A file posted with a comment, as the thread links it."""

    public_id: UUID
    name: str


def comments_for_portal(*, scope: PortalScope, target: Model) -> list[Comment]:
    """The thread on `target` the customer may see: their own and staff's shown ones, each
    with its files shown in the portal as `comment.portal_files`, all in one query."""
    rows = (
        Comment.objects.filter(
            organisation=scope.organisation,
            contact=scope.contact,
            show_in_portal=True,
            **{target_field(target): target},
        )
        .select_related("author_user", "author_person")
        .annotate(
            shown=FilteredRelation("attachments", condition=Q(attachments__show_in_portal=True))
        )
        .annotate(file_id=F("shown__public_id"), file_name=F("shown__name"))
        .order_by("created_at", "id", "shown__created_at", "shown__id")
    )
    comments: list[Any] = []
    for row in rows:  # one row per comment and file, a comment's rows next to each other
        if not comments or comments[-1].pk != row.pk:
            row.portal_files = []  # type: ignore[attr-defined]
            comments.append(row)
        if row.file_id is not None:
            comments[-1].portal_files.append(PortalFile(row.file_id, row.file_name))
    return comments


def notifications_unread_count(*, organisation: Organisation) -> int:
    return Notification.objects.filter(organisation=organisation, read_at__isnull=True).count()


def notifications_for_staff(
    *, organisation: Organisation, unread: bool = False
) -> QuerySet[Notification]:
    notifications = Notification.objects.filter(organisation=organisation).select_related("contact")
    return notifications.filter(read_at__isnull=True) if unread else notifications
