"""Walk every document page URL with another customer's, another organisation's and hidden
ids: each answers 404 with the same body as a missing id (DESIGN.md §3).

The patterns come from the pages' URLconf, so a new page is walked the day it is added; a URL
keyword without a maker in `foreign_ids.FOREIGN_MAKERS` fails until one is written.
"""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import URLPattern, reverse

from portico.contacts.models import Contact, ContactPerson
from portico.orgs.models import Organisation
from portico.portal.pages import urls as pages_urls
from tests.portal.pages.foreign_ids import FOREIGN_MAKERS, HIDDEN_MAKERS

pytestmark = pytest.mark.django_db


def object_patterns() -> list[tuple[str, list[str]]]:
    found = []
    for entry in pages_urls.urlpatterns:
        assert isinstance(entry, URLPattern) and entry.name
        keywords = list(entry.pattern.converters)
        if keywords:
            found.append((entry.name, keywords))
    return found


def test_the_walk_finds_every_document_url() -> None:
    names = {name for name, _ in object_patterns()}
    assert {"invoice_detail", "estimate_accept", "timesheet_reject", "payment_detail"} <= names


def answers(client: Client, org: Organisation, name: str, values: dict[str, object]) -> set[int]:
    url = reverse(f"portal:{name}", kwargs={"org_slug": org.slug, **values})
    body = {"signed_name": "Ann", "reason": "x", "message": "x", "body": "x"}
    return {client.get(url).status_code, client.post(url, body).status_code}


def not_found_body(
    client: Client, org: Organisation, name: str, values: dict[str, object]
) -> bytes:
    url = reverse(f"portal:{name}", kwargs={"org_slug": org.slug, **values})
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(
            url, {"signed_name": "Ann", "reason": "x", "message": "x", "body": "x"}
        )
    assert response.status_code == 404, (url, response.status_code)
    return bytes(response.content)


@pytest.mark.parametrize("name,keywords", object_patterns())
def test_foreign_hidden_and_missing_ids_answer_404(
    name: str,
    keywords: list[str],
    portal_client: Client,
    org: Organisation,
    active_person: ContactPerson,
    customer_b: Contact,
    other_org_customer: Contact,
) -> None:
    missing = [k for k in keywords if k not in FOREIGN_MAKERS]
    assert missing == [], f"add makers for {missing} to tests/portal/pages/foreign_ids.py"

    cases: dict[str, dict[str, object]] = {
        "missing": {k: uuid.uuid4() for k in keywords},
        "other customer": {k: FOREIGN_MAKERS[k](customer_b) for k in keywords},
        "other organisation": {k: FOREIGN_MAKERS[k](other_org_customer) for k in keywords},
    }
    if all(k in HIDDEN_MAKERS for k in keywords):
        cases["hidden"] = {k: HIDDEN_MAKERS[k](active_person.contact) for k in keywords}

    missing_body = not_found_body(portal_client, org, name, cases["missing"])
    for case, values in cases.items():
        found = answers(portal_client, org, name, values)
        # A wrong method (405) says nothing; every other answer must be the 404.
        assert found <= {404, 405} and 404 in found, (name, case, found)
        # and its body says no more than a missing id's
        assert not_found_body(portal_client, org, name, values) == missing_body, (name, case)
