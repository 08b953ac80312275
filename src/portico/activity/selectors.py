"""Reads of comments, notifications and the activity log, filtered by their principal first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Model, QuerySet

from portico.activity.models import ActivityLog, Comment, Notification
from portico.activity.services import target_field

if TYPE_CHECKING:
    from portico.orgs.models import Organisation
    from portico.portal.scoping import PortalScope


def comments_for_portal(*, scope: PortalScope, target: Model) -> list[Comment]:
    """The thread on `target` the customer may see: their own and staff's shown ones."""
    return list(
        Comment.objects.filter(
            organisation=scope.organisation,
            contact=scope.contact,
            show_in_portal=True,
            **{target_field(target): target},
        ).select_related("author_user", "author_person")
    )


def comments_for_staff(*, organisation: Organisation, target: Model) -> QuerySet[Comment]:
    return Comment.objects.filter(
        organisation=organisation, **{target_field(target): target}
    ).select_related("author_user", "author_person")


def notifications_unread_count(*, organisation: Organisation) -> int:
    return Notification.objects.filter(organisation=organisation, read_at__isnull=True).count()


def activity_for_customer(*, organisation: Organisation, contact_id: int) -> QuerySet[ActivityLog]:
    return ActivityLog.objects.filter(organisation=organisation, contact_id=contact_id)
