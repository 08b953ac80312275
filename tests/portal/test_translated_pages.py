"""Every portal page, a document's email and its PDF (the print view is the PDF's HTML) in each
language carry no English string left untranslated from the portal's own catalog: each phrase
of the catalog whose translation differs from it is looked for in the visible text."""

from __future__ import annotations

import html
import re
from functools import cache
from typing import Any

import pytest
from babel.messages.pofile import read_po
from django.core import mail
from django.test import Client

from portico.accounts.models import User
from portico.contacts.models import Contact, ContactPerson
from portico.documents import sending
from portico.orgs.models import Organisation
from tests.portal.conftest import portal_login
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db

LANGUAGES = ["de", "fr", "es", "ar"]
PLACEHOLDER = re.compile(r"%\(?\w*\)?[sdif]|\{\w+\}")
HIDDEN = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S)
PAGES = [
    "",
    "invoices",
    "invoices/{invoice}",
    "estimates",
    "payments",
    "statement",
    "account",
    "account/details",
    "pay/",
    "documents/invoice/{invoice}/print",
    "documents/statement/print",
]


@cache
def english_phrases(language: str) -> list[str]:
    """The catalog's phrases (two words or more, no placeholder) translated into something else."""
    path = f"src/portico/locale/{language}/LC_MESSAGES/django.po"
    with open(path, "rb") as po:
        catalog = read_po(po)
    return [
        message.id
        for message in catalog
        if isinstance(message.id, str)
        and " " in message.id.strip()
        and not PLACEHOLDER.search(message.id)
        and message.string
        and message.string != message.id
    ]


def visible(text: str) -> str:
    return " ".join(html.unescape(HIDDEN.sub(" ", text)).split())


def english_left(text: str, language: str) -> list[str]:
    shown = visible(text)
    return [phrase for phrase in english_phrases(language) if " ".join(phrase.split()) in shown]


@pytest.mark.parametrize("language", LANGUAGES)
def test_portal_pages_and_documents_are_fully_translated(
    org: Organisation,
    customer_a: Contact,
    active_person: ContactPerson,
    password: str,
    language: str,
) -> None:
    invoice = sales.invoice(customer_a, "1234.56")
    ContactPerson.objects.filter(pk=active_person.pk).update(language=language)
    client = Client()
    assert portal_login(client, org, active_person.email, password).status_code == 302
    for page in PAGES:
        response = client.get(f"/portal/{org.slug}/{page.format(invoice=invoice.public_id)}")
        assert response.status_code == 200, page
        assert response["Content-Language"] == language, page
        assert english_left(response.content.decode(), language) == [], page


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_login_page_is_fully_translated(org: Organisation, language: str) -> None:
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get(f"/portal/{org.slug}/login")
    assert english_left(response.content.decode(), language) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_document_email_is_fully_translated(
    customer_a: Contact,
    customer_a_person: ContactPerson,
    owner: User,
    django_capture_on_commit_callbacks: Any,
    language: str,
) -> None:
    ContactPerson.objects.filter(pk=customer_a_person.pk).update(language=language)
    invoice = sales.invoice(customer_a, "1234.56")
    with django_capture_on_commit_callbacks(execute=True):
        sending.document_send(organisation=invoice.organisation, document=invoice, sent_by=owner)
    (email,) = [m for m in mail.outbox if customer_a_person.email in m.to]
    assert english_left(email.subject, language) == []
    assert english_left(email.body, language) == []
    assert english_left(str(email.alternatives[0].content), language) == []
