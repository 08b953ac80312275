"""Walk every portal URL that names an object, with another customer's and another
organisation's ids: each must answer 404 with the same body as a missing id (DESIGN.md §3).

URL patterns come from Django's resolver, so a new portal URL is walked the day it is added;
a URL keyword with no entry in `FOREIGN_IDS` fails the test until someone says how to make a
foreign object for it.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from portico.contacts import portal_tokens as tokens
from portico.contacts.models import ContactPerson, PortalSession, PortalToken
from portico.orgs.models import Organisation
from tests.documents.foreign_ids import a_document_of, a_file_of, a_kind, a_statement_pdf_of
from tests.payments.checkout.foreign_ids import (
    a_checkout_of,
    a_saved_method_of,
    an_autopay_profile_of,
)
from tests.portal.conftest import enable_with_password, portal_login
from tests.portal.pages.foreign_ids import FOREIGN_MAKERS, of_person
from tests.tenancy import not_found_body

pytestmark = pytest.mark.django_db


@dataclass
class World:
    org: Organisation
    own: ContactPerson  # the person walking, of customer A
    other_customer: ContactPerson  # customer B, same organisation
    other_org: ContactPerson  # a customer of organisation B


Maker = Callable[[World, ContactPerson], Any]


def a_session_of(world: World, person: ContactPerson) -> Any:
    assert person.user is not None
    session = PortalSession.objects.create(
        organisation=person.organisation, user=person.user, session_key=f"s-{person.pk}-walk"
    )
    return session.public_id


def an_invitation_of(world: World, person: ContactPerson) -> Any:
    token = PortalToken.objects.filter(person=person).first()
    if token is not None:
        PortalToken.objects.filter(pk=token.pk).delete()
    _token, secret = tokens.token_issue(person=person, purpose=PortalToken.Purpose.INVITATION)
    return secret


@dataclass(frozen=True)
class ForeignIds:
    other_customer: Maker | None
    other_org: Maker
    why_no_other_customer: str = ""
    why_not_the_missing_body: str = ""
    """Set only where the 404 of a foreign value may differ from a missing one's, and why."""


FOREIGN_IDS: dict[str, ForeignIds] = {
    "checkout_id": ForeignIds(other_customer=a_checkout_of, other_org=a_checkout_of),
    "method_id": ForeignIds(other_customer=a_saved_method_of, other_org=a_saved_method_of),
    "session_id": ForeignIds(other_customer=a_session_of, other_org=a_session_of),
    "profile_id": ForeignIds(other_customer=an_autopay_profile_of, other_org=an_autopay_profile_of),
    # The documents URLs (print, PDF, forward, files): tests/documents/foreign_ids.py.
    "kind": ForeignIds(other_customer=a_kind, other_org=a_kind),
    "public_id": ForeignIds(other_customer=a_document_of, other_org=a_document_of),
    "attachment_id": ForeignIds(other_customer=a_file_of, other_org=a_file_of),
    "statement_pdf_id": ForeignIds(other_customer=a_statement_pdf_of, other_org=a_statement_pdf_of),
    # The document pages' ids (tests/portal/pages/foreign_ids.py).
    **{k: ForeignIds(other_customer=of_person(k), other_org=of_person(k)) for k in FOREIGN_MAKERS},
    "token": ForeignIds(
        other_customer=None,
        other_org=an_invitation_of,
        why_no_other_customer="an emailed link is its own credential within its organisation",
        why_not_the_missing_body=(
            "a link of another portal says 'not for this portal': the secret is the credential, "
            "so the page tells its holder nothing they did not already have"
        ),
    ),
}


# A value for each keyword that names nothing at all (every other keyword: a fresh UUID).
MISSING: dict[str, Callable[[], Any]] = {
    "kind": lambda: "invoice",
    "token": lambda: secrets.token_urlsafe(32),
}


def portal_patterns(*, all_urls: bool = False) -> list[tuple[str, list[str]]]:
    """(url name, object keywords) of every portal URL that takes more than the org slug
    (`all_urls`: of every portal URL)."""
    found: list[tuple[str, list[str]]] = []

    def walk(patterns: list[Any], namespace: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and namespace == "portal" and entry.name:
                keywords = [k for k in entry.pattern.converters if k != "org_slug"]
                if keywords or all_urls:
                    found.append((entry.name, keywords))

    walk(get_resolver().url_patterns, "")
    return found


def test_the_walk_finds_the_portal_urls_with_object_ids() -> None:
    names = {name for name, _ in portal_patterns()}
    assert {"session_end", "invitation_accept", "password_reset", "link_renew"} <= names


@pytest.fixture
def world(
    org: Organisation,
    customer_a_person: ContactPerson,
    customer_b_person: ContactPerson,
    other_org_person: ContactPerson,
    password: str,
) -> World:
    for person in (customer_a_person, customer_b_person, other_org_person):
        enable_with_password(person, password)
        person.refresh_from_db()
    return World(org, customer_a_person, customer_b_person, other_org_person)


@pytest.mark.parametrize("name,keywords", portal_patterns())
def test_foreign_ids_answer_404(
    name: str, keywords: list[str], world: World, password: str
) -> None:
    client = Client()
    assert portal_login(client, world.org, world.own.email, password).status_code == 302

    for whose in ("other_customer", "other_org"):
        values = {}
        for keyword in keywords:
            if keyword not in FOREIGN_IDS:
                pytest.fail(
                    f"Portal URL {name!r} takes {keyword!r}: add a maker to FOREIGN_IDS in "
                    f"{__name__} so the wall is tested for it."
                )
            maker = getattr(FOREIGN_IDS[keyword], whose)
            if maker is None:
                break
            values[keyword] = maker(world, getattr(world, whose))
        else:
            url = reverse(f"portal:{name}", kwargs={"org_slug": world.org.slug, **values})
            answers = {client.get(url).status_code, client.post(url).status_code}
            # A wrong method (405) says nothing; every other answer must be the 404.
            assert answers <= {404, 405} and 404 in answers, (name, whose, answers)
            if any(FOREIGN_IDS[k].why_not_the_missing_body for k in keywords):
                continue
            missing = {k: MISSING.get(k, uuid.uuid4)() for k in keywords}
            missing_url = reverse(f"portal:{name}", kwargs={"org_slug": world.org.slug, **missing})
            # and the 404 says no more about a foreign object than about a missing one
            assert not_found_body(client, url) == not_found_body(client, missing_url), (name, whose)

    # and the walker's own session is untouched by the attempts
    assert (
        client.get(reverse("portal:home", kwargs={"org_slug": world.org.slug})).status_code == 200
    )
