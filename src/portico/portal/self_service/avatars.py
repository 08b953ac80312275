"""A person's picture: Gravatar by email hash over a plain initials circle.

The page never needs Gravatar: the initials are drawn locally in an SVG and the Gravatar `<img>`
sits on top (asked for with `d=blank`, transparent when the address has none). When Gravatar
cannot be reached, `self_service.css` covers the broken image with the same initials.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings

from portico.contacts.models import ContactPerson

PALETTE = ("#0d6efd", "#6610f2", "#d63384", "#198754", "#fd7e14", "#0aa2c0", "#6c757d")


@dataclass(frozen=True)
class Avatar:
    initials: str
    palette_index: int
    image_url: str
    size: int

    @property
    def colour(self) -> str:
        return PALETTE[self.palette_index]


def gravatar_url(email: str, size: int) -> str:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return f"https://www.gravatar.com/avatar/{digest}?s={size * 2}&d=blank"


def avatar_for(person: ContactPerson, size: int = 64) -> Avatar:
    words = [part for part in (person.first_name, person.last_name) if part.strip()]
    initials = "".join(word.strip()[0] for word in words[:2]).upper() or "?"
    seed = int(hashlib.sha256((person.email or person.full_name).encode()).hexdigest()[:8], 16)
    use_gravatar = settings.PORTICO_GRAVATAR and bool(person.email)
    return Avatar(
        initials=initials,
        palette_index=seed % len(PALETTE),
        image_url=gravatar_url(person.email, size) if use_gravatar else "",
        size=size,
    )
