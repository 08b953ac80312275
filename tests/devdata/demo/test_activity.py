"""The activity demo step leaves a conversation and notifications for Acme, once."""

from __future__ import annotations

import pytest

from portico.activity.models import Comment, Notification
from portico.devdata import demo

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_conversation_a_change_request_and_notifications() -> None:
    demo.load(lambda line: None)
    demo.load(lambda line: None)

    customer_comments = Comment.objects.filter(author_person__isnull=False, kind="comment")
    assert customer_comments.filter(invoice__isnull=False).count() == 1
    assert Comment.objects.filter(kind="change_request").count() == 1
    assert Comment.objects.filter(author_user__isnull=False, show_in_portal=True).count() == 1
    assert Notification.objects.filter(kind="viewed").count() >= 1
    assert Notification.objects.filter(kind="estimate_changes").count() == 1
