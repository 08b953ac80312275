"""The portal walkers log in as customer A's person, like the portal and documents tests."""

from __future__ import annotations

from tests.documents.conftest import _fresh_cache
from tests.portal.conftest import active_person, portal_client

__all__ = ["_fresh_cache", "active_person", "portal_client"]
