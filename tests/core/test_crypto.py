"""Secrets at rest: Fernet with keys from FIELD_ENCRYPTION_KEYS, rotation, legacy plain text."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from portico.core import crypto


@pytest.fixture
def keys(settings: Any) -> list[str]:
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    return list(settings.FIELD_ENCRYPTION_KEYS)


def test_a_value_is_stored_encrypted_and_read_back(keys: list[str]) -> None:
    stored = crypto.encrypt("sk_test_secret")
    assert stored.startswith(crypto.PREFIX) and "sk_test_secret" not in stored
    assert stored != crypto.encrypt("sk_test_secret")  # a fresh nonce each time
    assert crypto.decrypt(stored) == "sk_test_secret"


def test_a_value_saved_before_encryption_is_read_as_it_is(keys: list[str]) -> None:
    assert crypto.decrypt("sk_test_plain") == "sk_test_plain"


def test_an_old_key_listed_after_the_new_one_still_decrypts(keys: list[str], settings: Any) -> None:
    stored = crypto.encrypt("whsec_rotated")
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *keys]
    assert crypto.decrypt(stored) == "whsec_rotated"


def test_a_lost_key_is_a_configuration_error_naming_the_setting(
    keys: list[str], settings: Any
) -> None:
    stored = crypto.encrypt("sk_test_secret")
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS"):
        crypto.decrypt(stored)


def test_a_key_that_is_not_a_fernet_key_is_refused(settings: Any) -> None:
    settings.FIELD_ENCRYPTION_KEYS = ["not-a-key"]
    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS"):
        crypto.encrypt("x")
