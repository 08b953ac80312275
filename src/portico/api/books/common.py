from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model
from django.http import HttpRequest

from portico.accounts.models import ApiKey
from portico.api.schemas import Error
from portico.documents import sending
from portico.orgs.models import Organisation

M = TypeVar("M", bound=Model)

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


def send_document(request: HttpRequest, document: M) -> M:
    """The back office's Send for the API: the customer's default recipients, the business's
    wording, the PDF; a repeated `Idempotency-Key` sends nothing more."""
    key = request.headers.get("Idempotency-Key", "").strip()
    sending.document_send(
        organisation=organisation_of(request),
        document=document,
        sent_by=None,
        key=f"api:{key}"[:80] if key else "",
    )
    return type(document)._default_manager.get(pk=document.pk)
