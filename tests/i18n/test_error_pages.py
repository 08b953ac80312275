"""Error pages speak the visitor's language and direction (the chain's answer when it was
reached, else the browser's), with nothing left in English from the catalog."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.utils import translation
from django.views import defaults

from portico.contacts.models import ContactPerson
from portico.orgs.models import Organisation
from tests.i18n.untranslated import english_left
from tests.portal.conftest import enable_with_password, portal_login

pytestmark = pytest.mark.django_db


def test_a_missing_document_is_a_404_in_the_persons_language_and_direction(
    org: Organisation, customer_a_person: ContactPerson, password: str
) -> None:
    person = enable_with_password(customer_a_person, password)
    ContactPerson.objects.filter(pk=person.pk).update(language="ar")
    client = Client()
    portal_login(client, org, person.email, password)

    response = client.get(f"/portal/{org.slug}/invoices/00000000-0000-0000-0000-000000000000")

    assert response.status_code == 404
    page = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert english_left(page, "ar") == []


@pytest.mark.parametrize("language", ["de", "fr", "es", "ar"])
def test_an_unknown_address_is_a_404_in_the_browsers_language(language: str) -> None:
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get("/no-such-page/")
    assert response.status_code == 404
    assert f'<html lang="{language}"' in response.content.decode()
    assert english_left(response.content.decode(), language) == []


@pytest.mark.parametrize("view", [defaults.bad_request, defaults.permission_denied])
def test_the_other_error_pages_are_translated_too(view: object) -> None:
    request = RequestFactory().get("/")
    with translation.override("de"):
        response = view(request, exception=Exception())  # type: ignore[operator]
        failed = defaults.server_error(request)
    for page in (response.content.decode(), failed.content.decode()):
        assert '<html lang="de" dir="ltr">' in page
        assert english_left(page, "de") == []
