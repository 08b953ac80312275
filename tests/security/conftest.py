"""The security suite reuses the documents' fixtures (documents of every kind, a portal client)."""

from tests.documents.conftest import _fresh_cache, documents, portal_client, portal_person

__all__ = ["_fresh_cache", "documents", "portal_client", "portal_person"]
