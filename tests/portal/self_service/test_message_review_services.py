"""customer_message_send and review_save."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from portico.activity import self_service as services
from portico.activity.models import Notification
from portico.contacts.models import CustomerMessage, Review
from portico.contacts.scope import PortalScope
from portico.core.errors import DomainError
from portico.orgs.models import PortalPreferences

pytestmark = pytest.mark.django_db


def test_a_message_is_emailed_to_the_business_with_reply_to_the_person(
    scope: PortalScope, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        message = services.customer_message_send(
            scope=scope, subject="Delivery", body="Where is <b>my</b> order?"
        )

    sent = next(
        m
        for m in mail.outbox
        if m.to == [scope.organisation.primary_email] and "Delivery" in m.subject and m.reply_to
    )
    assert sent.reply_to == [scope.person.email]
    assert "Where is <b>my</b> order?" in sent.body
    html = sent.alternatives[0][0]
    assert "&lt;b&gt;my&lt;/b&gt;" in html
    assert CustomerMessage.objects.get() == message
    assert Notification.objects.get(kind=Notification.Kind.MESSAGED).contact == scope.contact


def test_the_message_email_is_on_the_shared_layout_in_the_organisations_language(
    scope: PortalScope, django_capture_on_commit_callbacks: Any
) -> None:
    # given a business working in German and a person who reads French
    scope.organisation.language = "de"
    scope.organisation.save()
    scope.person.language = "fr"
    scope.person.save()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        services.customer_message_send(scope=scope, subject="Delivery", body="Where is it?")
    # then the staff email is in the organisation's language, with its branding
    sent = next(m for m in mail.outbox if "Delivery" in m.subject)
    html = str(sent.alternatives[0][0])
    assert '<html lang="de"' in html and scope.organisation.name in html
    assert "Where is it?" in html and "Where is it?" in sent.body


@pytest.mark.parametrize(
    ("subject", "body", "field"),
    [
        ("", "text", "subject"),
        ("Hi\r\nBcc: victim@example.com", "text", "subject"),
        ("Hi\nthere", "text", "subject"),
        ("x" * 151, "text", "subject"),
        ("Hi", "", "body"),
        ("Hi", "x" * 5001, "body"),
    ],
)
def test_bad_messages_are_field_errors_and_nothing_is_sent(
    scope: PortalScope, subject: str, body: str, field: str, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DomainError) as raised:
        services.customer_message_send(scope=scope, subject=subject, body=body)
    assert raised.value.field == field
    assert not CustomerMessage.objects.exists()
    assert mail.outbox == []


def test_a_review_is_written_once_and_edited_later(scope: PortalScope) -> None:
    review, created = services.review_save(scope=scope, rating=5, text="Great work")
    assert created
    again, created_again = services.review_save(scope=scope, rating=3, text="Fine")

    assert not created_again and again.pk == review.pk
    assert Review.objects.get().rating == 3
    # only the new review is notified
    assert Notification.objects.filter(kind=Notification.Kind.REVIEWED).count() == 1


@pytest.mark.parametrize(
    ("rating", "text", "field"),
    [(0, "ok", "rating"), (6, "ok", "rating"), (5, "", "text"), (5, "x" * 2001, "text")],
)
def test_bad_reviews_are_field_errors(
    scope: PortalScope, rating: int, text: str, field: str
) -> None:
    with pytest.raises(DomainError) as raised:
        services.review_save(scope=scope, rating=rating, text=text)
    assert raised.value.field == field
    assert not Review.objects.exists()


def test_no_review_when_the_organisation_does_not_allow_them(scope: PortalScope) -> None:
    PortalPreferences.objects.update_or_create(
        organisation=scope.organisation, defaults={"allow_reviews": False}
    )
    scope.organisation.refresh_from_db()
    with pytest.raises(DomainError) as raised:
        services.review_save(scope=scope, rating=5, text="Great")
    assert raised.value.code == "reviews_off"
