"""Reads of comments, notifications and the activity log, filtered by their principal first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Model, Prefetch, QuerySet

from portico.activity.models import ActivityLog, Comment, Notification
from portico.activity.services import target_field
from portico.sales.models import Attachment

if TYPE_CHECKING:
    from portico.orgs.models import Organisation
    from portico.portal.scoping import PortalScope


def comments_for_portal(*, scope: PortalScope, target: Model) -> list[Comment]:
    """The thread on `target` the customer may see: their own and staff's shown ones, each
    with its files shown in the portal (`comment.portal_files`, one query for the thread)."""
    files = Attachment.objects.filter(show_in_portal=True).order_by("created_at", "id")
    return list(
        Comment.objects.filter(
            organisation=scope.organisation,
            contact=scope.contact,
            show_in_portal=True,
            **{target_field(target): target},
        )
        .select_related("author_user", "author_person")
        .prefetch_related(Prefetch("attachments", queryset=files, to_attr="portal_files"))
    )


def comments_for_staff(*, organisation: Organisation, target: Model) -> QuerySet[Comment]:
    return Comment.objects.filter(
        organisation=organisation, **{target_field(target): target}
    ).select_related("author_user", "author_person")


def notifications_unread_count(*, organisation: Organisation) -> int:
    return Notification.objects.filter(organisation=organisation, read_at__isnull=True).count()


def activity_for_customer(*, organisation: Organisation, contact_id: int) -> QuerySet[ActivityLog]:
    return ActivityLog.objects.filter(organisation=organisation, contact_id=contact_id)
