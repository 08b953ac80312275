from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from portico.accounts.models import ApiKey
from portico.api.schemas import Error
from portico.orgs.models import Organisation

ERRORS: dict[int, Any] = {
    400: Error,
    401: Error,
    403: Error,
    404: Error,
    409: Error,
    422: Error,
}


def key_of(request: HttpRequest) -> ApiKey:
    return request.auth  # type: ignore[attr-defined]


def organisation_of(request: HttpRequest) -> Organisation:
    return key_of(request).organisation


def principal(request: HttpRequest, kwargs: dict[str, Any]) -> tuple[Organisation, str]:
    """The Idempotency-Key namespace of a Books API call: the organisation and the key."""
    key = key_of(request)
    return key.organisation, f"key:{key.public_id}"
