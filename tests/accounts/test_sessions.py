"""Sessions read with their user in one query (`portico.accounts.sessions`), checked as Django
checks them: the session hash and `is_active` on the row just read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.contrib import auth
from django.test import Client, RequestFactory

from portico.accounts.models import Session, User
from portico.accounts.sessions import SessionStore, session_user

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-9"


def signed_in() -> tuple[User, str]:
    user = User.objects.create_user("reader@example.com", PASSWORD)
    client = Client()
    client.force_login(user, backend="portico.accounts.sessions.SessionUserBackend")
    return user, client.cookies[settings.SESSION_COOKIE_NAME].value


def user_of(key: str) -> Any:
    request = RequestFactory().get("/")
    request.session = SessionStore(key)
    return session_user(request)


def test_the_session_row_names_its_user() -> None:
    user, key = signed_in()
    assert Session.objects.get(session_key=key).user_id == user.pk


def test_one_query_reads_the_session_and_its_user(
    django_assert_num_queries: Callable[..., Any],
) -> None:
    user, key = signed_in()
    with django_assert_num_queries(1):
        assert user_of(key) == user


def test_a_deactivated_user_is_signed_out() -> None:
    user, key = signed_in()
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert not user_of(key).is_authenticated


def test_a_changed_password_ends_the_other_sessions() -> None:
    user, key = signed_in()
    user.set_password("another-horse-battery-7")
    user.save()
    assert not user_of(key).is_authenticated
    assert not Session.objects.filter(session_key=key).exists()


def test_the_row_read_with_a_session_serves_only_that_request() -> None:
    user, key = signed_in()
    user_of(key)
    User.objects.filter(pk=user.pk).update(is_active=False)
    # another request without the store's row (Django's own path) reads the user again
    request = RequestFactory().get("/")
    request.session = SessionStore(key)
    assert not auth.get_user(request).is_authenticated


def test_a_deleted_user_takes_their_sessions() -> None:
    user, key = signed_in()
    user.delete()
    assert not user_of(key).is_authenticated
