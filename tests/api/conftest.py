"""API personas: an API key of organisation A, and a Portal API token of customer A's person."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from portico.accounts import api_keys
from portico.contacts.models import ContactPerson
from portico.orgs.models import Organisation
from tests.payments.checkout.conftest import sandbox_account, tokenise
from tests.portal.conftest import active_person, enable_with_password, portal_client

__all__ = ["active_person", "portal_client", "sandbox_account", "tokenise"]


class Api:
    """A test client that speaks JSON with one bearer credential."""

    def __init__(self, token: str = "") -> None:
        self.client = Client()
        self.token = token

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return {**headers, **(extra or {})}

    def get(self, path: str, headers: dict[str, str] | None = None, **query: Any) -> Any:
        return self.client.get(f"/api/v1{path}", query, headers=self._headers(headers))

    def post(self, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        return self.client.post(
            f"/api/v1{path}",
            body if isinstance(body, str | bytes) else (body or {}),
            content_type="application/json",
            headers=self._headers(headers),
        )

    def patch(self, path: str, body: Any, headers: dict[str, str] | None = None) -> Any:
        return self.client.patch(
            f"/api/v1{path}", body, content_type="application/json", headers=self._headers(headers)
        )

    def delete(self, path: str, headers: dict[str, str] | None = None) -> Any:
        return self.client.delete(f"/api/v1{path}", headers=self._headers(headers))


def portal_token(org: Organisation, person: ContactPerson, password: str, **extra: Any) -> str:
    response = Api().post(
        f"/portal/{org.slug}/auth/token", {"email": person.email, "password": password, **extra}
    )
    assert response.status_code == 201, response.content
    return str(response.json()["token"])


@pytest.fixture
def books(org: Organisation) -> Api:
    _key, secret = api_keys.api_key_create(organisation=org, name="Integration")
    return Api(secret)


@pytest.fixture
def other_books(other_org: Organisation) -> Api:
    _key, secret = api_keys.api_key_create(organisation=other_org, name="Theirs")
    return Api(secret)


@pytest.fixture
def portal(org: Organisation, active_person: ContactPerson, password: str) -> Api:
    return Api(portal_token(org, active_person, password))


@pytest.fixture
def portal_b(org: Organisation, customer_b_person: ContactPerson, password: str) -> Api:
    enable_with_password(customer_b_person, password)
    customer_b_person.refresh_from_db()
    return Api(portal_token(org, customer_b_person, password))
