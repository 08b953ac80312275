from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import get_hasher
from django.db import IntegrityError
from django.test import RequestFactory

from portico.accounts.models import User

pytestmark = pytest.mark.django_db


def test_email_is_the_login_and_is_case_insensitive() -> None:
    User.objects.create_user("Mixed.Case@Example.COM", "a-long-password-1")
    request = RequestFactory().post("/admin/login/")
    user = authenticate(request, username="mixed.case@example.com", password="a-long-password-1")
    assert user is not None
    assert user.email == "mixed.case@example.com"


def test_the_same_email_in_another_case_is_the_same_user() -> None:
    User.objects.create_user("sam@example.com", "x")
    with pytest.raises(IntegrityError):
        User.objects.create_user("SAM@example.com", "y")


def test_passwords_are_hashed_with_argon2() -> None:
    from portico import settings as portico_settings

    # The test suite swaps in a fast hasher; the product's first choice is argon2.
    assert portico_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert get_hasher("default").algorithm == "md5"  # the swap is active here
    from django.contrib.auth.hashers import Argon2PasswordHasher

    assert Argon2PasswordHasher().encode("secret", "saltsaltsalt").startswith("argon2$")


def test_staff_add_creates_a_member_who_can_log_in(org: object) -> None:
    from io import StringIO

    from django.core.management import call_command

    from portico.accounts.models import Membership

    call_command(
        "staff",
        "add",
        "--org",
        "studio-a",
        "--email",
        "New@Studio.example",
        "--role",
        "admin",
        "--password",
        "a-sturdy-passphrase-42",
        stdout=StringIO(),
    )
    membership = Membership.objects.get(user__email="new@studio.example")
    assert membership.role == "admin"
    assert membership.user.is_staff
    assert membership.user.check_password("a-sturdy-passphrase-42")


def test_staff_add_refuses_a_weak_password(org: object) -> None:
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match=r"too common|too short"):
        call_command(
            "staff", "add", "--org", "studio-a", "--email", "w@x.example", "--password", "password"
        )
