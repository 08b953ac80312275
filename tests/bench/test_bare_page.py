"""The bare Django page the benchmark compares `/bench/ping` with: the same one-line page for
the same session, behind Django's default middleware only."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.client import ClientHandler
from django.test.utils import CaptureQueriesContext

from bench import bare
from portico.accounts.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.urls("bench.urls")]


def bare_client() -> Client:
    client = Client()
    client.handler = bare.handler(ClientHandler)
    return client


def test_it_answers_the_portal_session_with_the_session_and_user_queries_only(
    owner: User,
) -> None:
    # given a session made the way Portico makes them
    portico = Client()
    portico.force_login(owner)
    assert portico.get("/bench/ping").status_code == 200
    client = bare_client()
    client.cookies = portico.cookies
    bare.share_session(portico.cookies[settings.SESSION_COOKIE_NAME].value)

    # when the bare page is asked for
    with CaptureQueriesContext(connection) as queries:
        response = client.get(bare.PATH)

    # then it is the ping page, for the same user, behind none of Portico's middleware
    assert response.status_code == 200 and owner.email in response.text
    assert len(queries) == 2
    assert "Content-Security-Policy" not in response.headers
    assert "Content-Security-Policy" in portico.get("/bench/ping").headers


def test_it_sends_an_anonymous_visitor_to_log_in() -> None:
    assert bare_client().get(bare.PATH).status_code == 302
