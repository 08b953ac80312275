"""/healthz and /readyz for the load balancer and the monitor, and the branded 503 while the
database is unreachable — recovered by itself once it is back."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import OperationalError
from django.test import Client, RequestFactory

from portico.core.client_ip import client_ip

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_down() -> Iterator[None]:
    refused = OperationalError("connection to server at 127.0.0.1 failed: Connection refused")
    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=refused):
        yield


def test_healthz_answers_without_the_database(client: Client, database_down: None) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_names_every_dependency(client: Client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json()["checks"] == {
        "database": "ok",
        "migrations": "ok",
        "cache": "ok",
        "queue": "ok",
        "storage": "ok",
    }


def test_readyz_is_503_when_the_database_is_down(client: Client, database_down: None) -> None:
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"] == "unavailable: OperationalError"
    assert checks["migrations"] == "unavailable: database"
    assert checks["cache"] == "ok"


def test_every_page_is_a_branded_503_while_the_database_is_down_and_recovers(
    owner_client: Client,
) -> None:
    # given a logged-in owner in the back office
    assert owner_client.get("/admin/").status_code == 200

    # when the database goes away (the test client would re-raise what Django logs)
    owner_client.raise_request_exception = False
    refused = OperationalError("connection refused")
    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=refused):
        page = owner_client.get("/admin/")
        login = Client(raise_request_exception=False).post(
            "/admin/login/", {"username": "owner@studio-a.example", "password": "secret"}
        )

    # then every page says so in words, and asks to come back
    for response in (page, login):
        assert response.status_code == 503
        assert "Back in a moment" in response.content.decode()
        assert response["Retry-After"] == "30"

    # and once it is back, the same session carries on
    assert owner_client.get("/admin/").status_code == 200


def test_the_health_pages_answer_over_plain_http_with_ssl_redirect_on(
    client: Client, settings: Any
) -> None:
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/admin/login/").status_code == 301


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "198.51.100.7", "10.0.0.2"),
        (1, "198.51.100.7", "198.51.100.7"),
        # a client cannot pretend: what it wrote is left of what the proxy appended
        (1, "203.0.113.66, 198.51.100.7", "198.51.100.7"),
        (2, "198.51.100.7, 10.0.0.9", "198.51.100.7"),
        (1, "", "10.0.0.2"),
    ],
)
def test_the_client_address_is_read_past_the_trusted_proxies(
    settings: Any, proxies: int, forwarded: str, expected: str
) -> None:
    settings.TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
