"""`HEAD` on every portal address answers as `GET` does, without the body (issue 18).

The addresses come from Django's resolver (a new portal URL is walked the day it is added), with
the walking person's own objects for the ids (the tenancy walk's makers, here for the own
customer).
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.documents.conftest import _fresh_cache
from tests.portal.conftest import portal_login
from tests.tenancy.test_portal_urls import FOREIGN_IDS, World, portal_patterns, world

__all__ = ["_fresh_cache", "world"]

pytestmark = pytest.mark.django_db


def every_portal_pattern() -> list[tuple[str, list[str]]]:
    return portal_patterns(all_urls=True)


def test_the_walk_finds_pages_documents_and_account() -> None:
    names = {name for name, _ in every_portal_pattern()}
    assert {"home", "invoices", "invoice_detail", "statement", "account", "login"} <= names


@pytest.mark.parametrize("name,keywords", every_portal_pattern())
def test_head_answers_like_get_without_a_body(
    name: str, keywords: list[str], world: World, password: str
) -> None:
    client = Client()
    assert portal_login(client, world.org, world.own.email, password).status_code == 302
    values = {k: FOREIGN_IDS[k].other_org(world, world.own) for k in keywords}
    url = reverse(f"portal:{name}", kwargs={"org_slug": world.org.slug, **values})

    client.get(url)  # a first view (an estimate becomes "viewed") changes the page
    head = client.head(url)
    get = client.get(url)

    assert head.status_code == get.status_code != 500, (name, head.status_code, get.status_code)
    assert head.content == b"" and b"".join(getattr(head, "streaming_content", [])) == b""
    assert head.get("Content-Type") == get.get("Content-Type"), name
    if get.status_code == 200 and not get.streaming:
        assert int(head["Content-Length"]) == len(get.content), name
