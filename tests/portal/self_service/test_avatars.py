"""Initials and the Gravatar address."""

from __future__ import annotations

import hashlib
from typing import Any

from portico.contacts.models import ContactPerson
from portico.portal.self_service.avatars import avatar_for


def test_initials_come_from_first_and_last_name(settings: Any) -> None:
    settings.PORTICO_GRAVATAR = True
    person = ContactPerson(first_name="ann", last_name="Lee", email=" Ann@Example.com ")

    avatar = avatar_for(person)

    assert avatar.initials == "AL"
    digest = hashlib.sha256(b"ann@example.com").hexdigest()
    assert avatar.image_url == f"https://www.gravatar.com/avatar/{digest}?s=128&d=blank"


def test_no_gravatar_when_switched_off_or_without_email(settings: Any) -> None:
    settings.PORTICO_GRAVATAR = False
    assert avatar_for(ContactPerson(first_name="Ann", email="a@example.com")).image_url == ""
    settings.PORTICO_GRAVATAR = True
    nameless = avatar_for(ContactPerson(first_name=" ", email=""))
    assert (nameless.initials, nameless.image_url) == ("?", "")
