"""A staff member's language: their own (set on the back office's language page), else the
organisation's. The back office is rendered in it, and the business's notifications are
written in each language the staff read, shown and emailed to each in theirs."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client

from portico.accounts.models import User
from portico.activity import services as activity
from portico.activity.models import Notification
from portico.contacts.models import Contact, ContactPerson
from portico.contacts.scope import PortalScope
from portico.orgs.models import Organisation
from tests.i18n.untranslated import english_left
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db


def as_html(sentence: str) -> str:
    """A notification's stored sentence as the back office shows it."""
    return sentence.replace("\u2068", "<bdi>").replace("\u2069", "</bdi>")


def _language_of(user: User, language: str) -> None:
    User.objects.filter(pk=user.pk).update(language=language)


def test_the_back_office_speaks_the_members_language_else_the_organisations(
    org: Organisation, owner: User, owner_client: Client, teammate_client: Client
) -> None:
    # given an organisation writing Spanish, an owner who reads German, a teammate with no choice
    Organisation.objects.filter(pk=org.pk).update(language="es")
    _language_of(owner, "de")
    # when each opens the back office, whatever their browser asks for
    mine = owner_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="fr")
    theirs = teammate_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="fr")
    # then
    assert mine.status_code == theirs.status_code == 200
    assert mine["Content-Language"] == "de" and 'lang="de"' in mine.content.decode()
    assert theirs["Content-Language"] == "es"


def test_an_unknown_stored_language_falls_back_never_fails(
    org: Organisation, owner: User, owner_client: Client
) -> None:
    Organisation.objects.filter(pk=org.pk).update(language="fr")
    _language_of(owner, "xx-nowhere")
    response = owner_client.get("/admin/")
    assert response.status_code == 200
    assert response["Content-Language"] == "fr"


def test_the_language_page_saves_the_members_choice(
    org: Organisation, owner: User, owner_client: Client
) -> None:
    page = owner_client.get("/admin/account/language/")
    assert page.status_code == 200
    # the page is linked from the account menu of every page
    assert "/admin/account/language/" in owner_client.get("/admin/").content.decode()

    response = owner_client.post("/admin/account/language/", {"language": "ar"})

    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.language == "ar"
    after = owner_client.get(response["Location"])
    assert after["Content-Language"] == "ar" and 'dir="rtl"' in after.content.decode()
    # empty is the organisation's again; a code Portico does not speak is refused
    assert owner_client.post("/admin/account/language/", {"language": "xx"}).status_code == 200
    owner_client.post("/admin/account/language/", {"language": ""})
    owner.refresh_from_db()
    assert owner.language == ""


def test_a_notification_is_shown_and_emailed_to_each_member_in_their_language(
    org: Organisation,
    owner: User,
    teammate: User,
    owner_client: Client,
    teammate_client: Client,
    customer_a: Contact,
    customer_a_person: ContactPerson,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given an English organisation whose address is the owner's, who reads German, and a
    # teammate who reads French
    Organisation.objects.filter(pk=org.pk).update(primary_email=owner.email)
    org.refresh_from_db()
    _language_of(owner, "de")
    _language_of(teammate, "fr")
    invoice = sales.invoice(customer_a, "1234.56")
    # when the customer's person, reading Spanish, opens the invoice for the first time
    ContactPerson.objects.filter(pk=customer_a_person.pk).update(language="es")
    customer_a_person.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        assert activity.document_mark_viewed(
            scope=PortalScope(org, customer_a, customer_a_person), document=invoice
        )
    # then the notification holds its words in each language the staff read
    notification = Notification.objects.get(organisation=org)
    assert set(notification.texts) == {"en", "de", "fr"}
    assert notification.text == notification.texts["en"]
    assert "viewed" in notification.text and invoice.number in notification.texts["de"]
    assert len({notification.texts[code] for code in ("en", "de", "fr")}) == 3
    # each member reads it in their own language
    listed = "/admin/activity/notification/"
    # (each typed part in its own <bdi>: the customer's name, the invoice's number)
    assert as_html(notification.texts["de"]) in owner_client.get(listed).content.decode()
    assert as_html(notification.texts["fr"]) in teammate_client.get(listed).content.decode()
    # and the email to the business's address is in its member's language
    (email,) = [m for m in mail.outbox if m.to == [owner.email]]
    assert notification.texts["de"] in email.subject
    assert 'lang="de"' in str(email.alternatives[0].content)
    assert english_left(email.body, "de") == []
    assert english_left(str(email.alternatives[0].content), "de") == []
