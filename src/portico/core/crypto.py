"""Secrets at rest: values encrypted with Fernet keys from the environment (FIELD_ENCRYPTION_KEYS).

The first key encrypts; every listed key decrypts, so a key is rotated by putting the new one
first and re-saving the rows. An encrypted column cannot be searched or filtered on.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "fernet:"


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must be Fernet keys (32 url-safe base64-encoded bytes)."
        ) from None


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    return PREFIX + fernet().encrypt(value.encode()).decode()


def decrypt(stored: str) -> str:
    """The plain value; a value stored before encryption was introduced is read as it is."""
    if not stored.startswith(PREFIX):
        return stored
    try:
        return fernet().decrypt(stored.removeprefix(PREFIX).encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(
            "A stored credential cannot be decrypted with FIELD_ENCRYPTION_KEYS "
            "(was the key changed without keeping the old one listed after it?)."
        ) from None


class EncryptedTextField(models.TextField):
    """Text kept encrypted in the database and plain in Python. Not searchable."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        return decrypt(value) if value else value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if not value or str(value).startswith(PREFIX):
            return value
        return encrypt(str(value))
