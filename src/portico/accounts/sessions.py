"""Sessions stored with the signed-in user's row beside them (`accounts.Session`).

Django reads a logged-in request's session and then its user in two queries. Here the session
store reads both in one (the session row joined to its user) and keeps the user for
`SessionUserBackend.get_user`, which Django's own `auth.get_user` calls: the backend path,
the session hash and `is_active` are checked exactly as before, on the row just read.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any, cast

from django.contrib.auth import SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore

from portico.accounts.models import Session, User

BACKEND = "portico.accounts.sessions.SessionUserBackend"

_read: ContextVar[User | None] = ContextVar("portico_session_user", default=None)
"""The user row the current thread's last session read brought, until the backend takes it."""


class SessionStore(DatabaseStore):
    @classmethod
    def get_model_class(cls) -> type[Session]:
        return Session

    def load(self) -> dict[str, Any]:
        row = self._get_session_from_db()  # type: ignore[attr-defined]
        _read.set(row.user if row is not None else None)
        return self.decode(row.session_data) if row is not None else {}

    def create_model_instance(self, data: dict[str, Any]) -> Session:
        session = cast(Session, super().create_model_instance(data))
        user_id = data.get(SESSION_KEY)
        session.user_id = User._meta.pk.to_python(user_id) if user_id is not None else None
        return session


class SessionUserBackend(ModelBackend):
    """Django's model backend, answering `get_user` from the row read with the session."""

    def get_user(self, user_id: Any) -> User | None:
        user = _read.get()
        _read.set(None)  # used once: a later lookup in this thread reads the database
        if user is None or str(user.pk) != str(user_id):
            return super().get_user(user_id)
        return user if self.user_can_authenticate(user) else None
