"""Which language a portal page speaks: the person's, else the customer's, else the organisation's;
on public pages the visitor's choice or the browser's; the switchers; unknown codes fall back."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from portico.contacts.models import ContactPerson
from portico.core.timezones import accepted_languages, first_language
from portico.orgs.models import Organisation

pytestmark = pytest.mark.django_db


def _lang(response: object) -> str:
    return str(response["Content-Language"])  # type: ignore[index]


def test_the_chain_skips_empty_and_unknown_codes() -> None:
    assert first_language("", "xx-nowhere", "de-AT", "fr") == "de"
    assert first_language(None, "") == settings.LANGUAGE_CODE
    assert accepted_languages("ja, fr-CH;q=0.9, ar;q=0.95, de;q=0") == ["ar", "fr"]
    assert accepted_languages("*;q=0.5, es;q=nonsense, pt") == []


def test_a_person_without_a_language_reads_the_customers(
    active_person: ContactPerson, password: str
) -> None:
    ContactPerson.objects.filter(pk=active_person.pk).update(language="")
    active_person.contact.language = "fr"
    active_person.contact.save(update_fields=["language"])
    client = Client(HTTP_ACCEPT_LANGUAGE="de")
    client.post(
        f"/portal/{active_person.organisation.slug}/login",
        {"email": active_person.email, "password": password},
    )
    response = client.get(f"/portal/{active_person.organisation.slug}/")
    assert response.status_code == 200
    assert _lang(response) == "fr"


def test_an_unknown_stored_language_falls_back_never_fails(
    active_person: ContactPerson, password: str
) -> None:
    ContactPerson.objects.filter(pk=active_person.pk).update(language="xx")
    active_person.contact.language = "zz"
    active_person.contact.save(update_fields=["language"])
    Organisation.objects.filter(pk=active_person.organisation_id).update(language="es")
    client = Client()
    client.post(
        f"/portal/{active_person.organisation.slug}/login",
        {"email": active_person.email, "password": password},
    )
    response = client.get(f"/portal/{active_person.organisation.slug}/")
    assert response.status_code == 200
    assert _lang(response) == "es"


@pytest.mark.parametrize(
    ("header", "expected"),
    [("de-DE,de;q=0.9,en;q=0.5", "de"), ("ja", "es"), ("", "es")],
)
def test_public_pages_follow_the_browser_else_the_organisation(
    org: Organisation, header: str, expected: str
) -> None:
    org.language = "es"
    org.save(update_fields=["language"])
    response = Client(HTTP_ACCEPT_LANGUAGE=header).get(f"/portal/{org.slug}/login")
    assert response.status_code == 200
    assert _lang(response) == expected


def test_the_login_switcher_keeps_the_choice(org: Organisation) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    login = f"/portal/{org.slug}/login"
    assert 'data-testid="language-switcher"' in client.get(login).content.decode()

    response = client.post(f"/portal/{org.slug}/language", {"language": "ar", "next": login})
    assert response.status_code == 302 and response["Location"] == login

    page = client.get(login)
    assert _lang(page) == "ar"
    assert '<html lang="ar" dir="rtl">' in page.content.decode()


@pytest.mark.parametrize("code", ["xx", "", "../../etc", "de" * 40])
def test_the_switcher_ignores_a_language_it_does_not_speak(org: Organisation, code: str) -> None:
    client = Client()
    response = client.post(f"/portal/{org.slug}/language", {"language": code})
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_the_switcher_does_not_redirect_off_the_portal(org: Organisation) -> None:
    response = Client().post(
        f"/portal/{org.slug}/language", {"language": "de", "next": "https://evil.example/"}
    )
    assert response["Location"] == f"/portal/{org.slug}/"


def test_the_account_switcher_saves_the_persons_language(
    portal_client: Client, active_person: ContactPerson
) -> None:
    account = f"/portal/{active_person.organisation.slug}/account"
    assert 'data-testid="language-switcher"' in portal_client.get(account).content.decode()

    portal_client.post(
        f"/portal/{active_person.organisation.slug}/language", {"language": "de", "next": account}
    )

    active_person.refresh_from_db()
    assert active_person.language == "de"
    assert _lang(portal_client.get(account)) == "de"
