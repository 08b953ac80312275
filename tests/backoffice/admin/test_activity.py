"""The back office's notifications, comment replies and activity log."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from portico.activity.models import Comment, Notification
from portico.contacts.models import Contact
from portico.orgs.models import Organisation
from tests.activity import factories
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db


def test_the_notification_list_counts_unread_and_marks_them_read(
    owner_client: Client, org: Organisation, other_org: Organisation
) -> None:
    mine = [factories.notification(org) for _ in range(2)]
    factories.notification(other_org)
    changelist = reverse("admin:activity_notification_changelist")

    page = owner_client.get(changelist).content.decode()
    owner_client.post(
        changelist,
        {"action": "mark_read", "_selected_action": [mine[0].pk]},
    )
    after = owner_client.get(changelist).content.decode()

    assert "Notifications (2 unread)" in page
    assert "Notifications (1 unread)" in after
    assert Notification.objects.filter(organisation=org, read_at__isnull=True).count() == 1
    assert Notification.objects.filter(organisation=other_org, read_at__isnull=True).count() == 1


def test_a_staff_reply_shown_in_the_portal_is_written_by_the_service(
    owner_client: Client, org: Organisation, customer_a: Contact
) -> None:
    invoice = sales.invoice(customer_a)
    response = owner_client.post(
        reverse("admin:activity_comment_add"),
        {"invoice": invoice.pk, "body": "Thanks, it is on its way.", "show_in_portal": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    reply = Comment.objects.get()
    assert reply.author_user is not None and reply.show_in_portal
    assert reply.contact_id == customer_a.pk and reply.organisation_id == org.pk


def test_a_reply_needs_exactly_one_document(owner_client: Client, customer_a: Contact) -> None:
    response = owner_client.post(reverse("admin:activity_comment_add"), {"body": "Hello"})
    assert response.status_code == 200
    assert Comment.objects.count() == 0


def test_the_activity_log_lists_only_the_organisations_rows(
    owner_client: Client, org: Organisation, other_org: Organisation
) -> None:
    own = factories.activity(org)
    foreign = factories.activity(other_org)
    response = owner_client.get(reverse("admin:activity_activitylog_changelist"))
    rows = [row.pk for row in response.context["cl"].result_list]
    assert own.pk in rows and foreign.pk not in rows
