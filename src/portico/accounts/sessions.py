"""Sessions stored with the signed-in user's row beside them (`accounts.Session`).

Django reads a logged-in request's session and then its user in two queries. Here the session
store reads both in one (the session row joined to its user) and keeps the user on the store.
`AuthenticationMiddleware` hands that row to `SessionUserBackend.get_user` while Django's own
`auth.get_user` runs for the request, so the backend path, the session hash and `is_active`
are checked exactly as before, on the row just read, and the row never outlives its request.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any, cast

from django.contrib import auth
from django.contrib.auth import SESSION_KEY, middleware
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from portico.accounts.models import Session, User
from portico.core.prepared import Prepared

BACKEND = "portico.accounts.sessions.SessionUserBackend"

_read: ContextVar[User | None] = ContextVar("portico_session_user", default=None)
"""The user row read with this request's session, while `auth.get_user` runs for it."""


_SESSION: Prepared[Session] = Prepared(
    lambda session_key: Session.objects.filter(session_key=session_key),
    session_key="prepared-sample-session-key",
)
"""Every request's first query, built and compiled once per process (`core.prepared`)."""


class SessionStore(DatabaseStore):
    @classmethod
    def get_model_class(cls) -> type[Session]:
        return Session

    def _get_session_from_db(self) -> Session | None:
        """Django's read: the unexpired row with this key (the expiry checked on the row read,
        where Django's query compares it)."""
        row = _SESSION.first(session_key=self.session_key) if self.session_key else None
        if row is None or row.expire_date <= timezone.now():
            self._session_key = None
            return None
        return row

    user_row: User | None = None
    """The signed-in user read with the session (None before the session is read)."""

    def load(self) -> dict[str, Any]:
        row = self._get_session_from_db()
        self.user_row = row.user if row is not None else None
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
        if user is None or str(user.pk) != str(user_id):
            return super().get_user(user_id)
        return user if self.user_can_authenticate(user) else None


def session_user(request: HttpRequest) -> Any:
    """Django's `auth.get_user` for this request (once), with the row read with its session."""
    if not hasattr(request, "_cached_user"):
        session = request.session
        session.keys()  # read now, so that the row is there
        token = _read.set(getattr(session, "user_row", None))
        try:
            request._cached_user = auth.get_user(request)  # type: ignore[attr-defined]
        finally:
            _read.reset(token)
    return request._cached_user  # type: ignore[attr-defined]


class AuthenticationMiddleware(middleware.AuthenticationMiddleware):
    """Django's, with `request.user` from `session_user`."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: session_user(request))  # type: ignore[assignment]
