"""Signed-in pages are `private, no-store`; logging out clears what the browser kept."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from portico.contacts.models import ContactPerson

pytestmark = pytest.mark.django_db

PORTAL_PAGES = ["", "invoices", "estimates", "payments", "statement", "account"]
BACK_OFFICE_PAGES = [
    "/admin/",
    "/admin/contacts/contact/",
    "/admin/sales/invoice/",
    "/admin/payments/payment/",
]


def assert_private(response: Any) -> None:
    assert response.status_code == 200, response
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


@pytest.mark.parametrize("page", PORTAL_PAGES)
def test_signed_in_portal_pages_are_private_and_never_stored(
    portal_client: Client, portal_person: ContactPerson, page: str
) -> None:
    assert_private(portal_client.get(f"/portal/{portal_person.organisation.slug}/{page}"))


@pytest.mark.parametrize("page", BACK_OFFICE_PAGES)
def test_back_office_pages_are_private_and_never_stored(owner_client: Client, page: str) -> None:
    assert_private(owner_client.get(page))


def test_a_public_page_keeps_its_own_caching(client: Client, portal_person: ContactPerson) -> None:
    response = client.get(f"/portal/{portal_person.organisation.slug}/brand.css")
    assert "private" not in response.get("Cache-Control", "")


def test_portal_logout_clears_the_browsers_copies(
    portal_client: Client, portal_person: ContactPerson
) -> None:
    slug = portal_person.organisation.slug
    response = portal_client.post(f"/portal/{slug}/logout")
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert portal_client.get(f"/portal/{slug}/").status_code == 302


def test_back_office_logout_clears_the_browsers_copies(owner_client: Client) -> None:
    response = owner_client.post("/admin/logout/")
    assert response["Clear-Site-Data"] == '"cache", "storage"'
