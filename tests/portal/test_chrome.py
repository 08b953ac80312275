"""The frame around every portal page (`portal_tags.portal_chrome`): kept per portal and
language, each request's own names, sidebar and CSRF token put in, never another's."""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils.safestring import mark_safe

from portico.contacts.models import Contact, ContactPerson
from portico.portal.templatetags.portal_tags import CHROME
from tests.contacts.factories import ContactPersonFactory
from tests.portal.conftest import enable_with_password, portal_login

pytestmark = pytest.mark.django_db


def frame(page: str) -> str:
    return page[page.index("<body") : page.index('<main id="main"')]


def signed_in(person: ContactPerson, password: str) -> Client:
    client = Client()
    assert portal_login(client, person.organisation, person.email, password).status_code == 302
    return client


def test_each_person_sees_their_own_names_in_the_kept_frame(
    customer_a_person: ContactPerson, customer_b: Contact, password: str
) -> None:
    # given two persons of two customers of one portal, one of them with markup in a name
    customer_b.display_name = "<b>Customer B</b>"
    customer_b.save()
    enable_with_password(customer_a_person, password)
    other = enable_with_password(ContactPersonFactory(contact=customer_b), password)

    # when each opens the same page, one after the other
    first = frame(signed_in(customer_a_person, password).get("/portal/studio-a/").content.decode())
    second = signed_in(other, password).get("/portal/studio-a/")

    # then each frame shows its own customer and person, the markup escaped
    page = frame(second.content.decode())
    assert "Customer A" in first and customer_a_person.full_name in first
    assert "&lt;b&gt;Customer B&lt;/b&gt;" in page and other.full_name in page
    assert "Customer A" not in page and customer_a_person.full_name not in page
    assert "\ue000" not in page
    # and the frame is what a full render of it gives (the CSRF token aside)
    scope = second.wsgi_request.portal_scope  # type: ignore[attr-defined]
    nav = re.search(r'<ul class="nav.*?</ul>', page, re.DOTALL)
    assert nav is not None
    full = render_to_string(
        CHROME,
        {
            "scope": scope,
            "organisation": scope.organisation,
            "csrf_token": "token",
            "contact_name": scope.contact.display_name,
            "person_name": scope.person.full_name,
            "nav": mark_safe(nav[0]),
        },
    )
    token = re.compile(r'name="csrfmiddlewaretoken" value="\w+"')
    assert token.sub("", full).strip() in token.sub("", page)


def test_a_renamed_organisation_shows_its_new_name_at_once(
    customer_a_person: ContactPerson, password: str
) -> None:
    enable_with_password(customer_a_person, password)
    client = signed_in(customer_a_person, password)
    assert "Studio A" in frame(client.get("/portal/studio-a/").content.decode())

    organisation = customer_a_person.organisation
    organisation.name = "Studio Alpha"
    organisation.save()

    page = frame(client.get("/portal/studio-a/").content.decode())
    assert "Studio Alpha" in page
