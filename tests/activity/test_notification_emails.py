"""The business's notification emails: one template on the shared layout, in the
organisation's language (staff have no language of their own)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from portico.activity import services
from portico.activity.models import Notification
from portico.contacts.models import Contact
from portico.core import text
from portico.orgs.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_notification_email_is_in_the_organisations_language(
    org: Organisation,
    customer_a: Contact,
    django_capture_on_commit_callbacks: Any,
    language: str,
) -> None:
    # given a business working in `language`, and a customer who reads another one
    org.language = language
    org.save()
    customer_a.language = "fr"
    customer_a.save()
    # when a customer event is notified
    with django_capture_on_commit_callbacks(execute=True):
        services.notification_create(
            organisation=org,
            kind=Notification.Kind.AUTOPAY_OFF,
            event_key="autopay_off:test",
            text=lambda: text.fill(
                "%(customer)s turned off autopay for “%(profile)s”.",
                {"customer": customer_a.display_name, "profile": "Hosting"},
            ),
            contact=customer_a,
        )
    # then the staff email is rendered from the templates in the organisation's language
    (sent,) = mail.outbox
    html = str(sent.alternatives[0].content)
    assert sent.to == [org.primary_email]
    # (its typed parts isolated each: the organisation's name, the customer's, the profile's)
    said = "\u2068Customer A\u2069 turned off autopay for “\u2068Hosting\u2069”."
    assert sent.subject == f"[\u2068{org.name}\u2069] {said}"
    assert f'<html lang="{language}"' in html
    assert said in sent.body and "&ldquo;" not in sent.body
    assert "<bdi>Customer A</bdi> turned off autopay for “<bdi>Hosting</bdi>”." in html
    assert "/admin/activity/notification/" in sent.body
    assert "/admin/activity/notification/" in html
    assert sent.reply_to == []


def test_user_text_in_a_notification_is_escaped_in_html_and_kept_in_text(
    org: Organisation, customer_a: Contact, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.notification_create(
            organisation=org,
            kind=Notification.Kind.COMMENTED,
            event_key="commented:test",
            text="<b>Ann & co</b> commented",
            contact=customer_a,
        )
    (sent,) = mail.outbox
    assert "<b>Ann & co</b> commented" in sent.body
    assert "&lt;b&gt;Ann &amp; co&lt;/b&gt; commented" in str(sent.alternatives[0].content)
