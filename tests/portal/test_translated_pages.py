"""Every portal page and the print views (the PDFs' HTML) in each language carry no English
string left untranslated from the portal's own catalog (`tests.i18n.untranslated`); the emails
and every PDF kind are checked in tests/i18n/test_translated_mail.py."""

from __future__ import annotations

import pytest
from django.test import Client

from portico.contacts.models import Contact, ContactPerson
from portico.orgs.models import Organisation
from tests.i18n.untranslated import english_left
from tests.portal.conftest import portal_login
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db

LANGUAGES = ["de", "fr", "es", "ar"]
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
