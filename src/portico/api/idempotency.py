"""`Idempotency-Key` on every POST that creates something or moves money.

The first request under a key is recorded before it runs (a unique row per organisation,
principal and key), so a concurrent duplicate is refused with 409 instead of running twice;
once it has answered, a replay gets the same status and body back. The same key with another
body or path is a 422.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from ninja import Status

from portico.api.errors import ApiError
from portico.api.models import IdempotentRequest
from portico.orgs.models import Organisation

F = TypeVar("F", bound=Callable[..., Any])
HEADER = "Idempotency-Key"
MAX_KEY = 120

Principal = Callable[[HttpRequest, dict[str, Any]], tuple[Organisation, str]]


def key_of(request: HttpRequest) -> str:
    key = request.headers.get(HEADER, "").strip()
    if not key:
        raise ApiError(
            400,
            "idempotency_key_required",
            f"Send an {HEADER} header with a unique value for this request.",
            {HEADER: "Required."},
        )
    if len(key) > MAX_KEY:
        raise ApiError(422, "validation_error", "The request is not valid.", {HEADER: "Too long."})
    return key


def _jsonable(body: Any) -> Any:
    if hasattr(body, "model_dump"):
        body = body.model_dump(mode="json")
    return json.loads(json.dumps(body, cls=DjangoJSONEncoder))


def idempotent(principal: Principal) -> Callable[[F], F]:
    """Wrap a POST handler; `principal(request, kwargs)` names the organisation and the caller."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            key = key_of(request)
            organisation, who = principal(request, kwargs)
            fingerprint = hashlib.sha256(request.body).hexdigest()
            try:
                with transaction.atomic():
                    row = IdempotentRequest.objects.create(
                        organisation=organisation,
                        principal=who,
                        key=key,
                        method=str(request.method),
                        path=request.path[:300],
                        fingerprint=fingerprint,
                    )
            except IntegrityError:
                return _replay(organisation, who, key, request.path, fingerprint)
            try:
                result = view(request, *args, **kwargs)
            except BaseException:
                # Nothing was answered: the key may be used again.
                IdempotentRequest.objects.filter(pk=row.pk).delete()
                raise
            if isinstance(result, Status):
                status, body = result.status_code, result.value
            else:
                status, body = 200, result
            IdempotentRequest.objects.filter(pk=row.pk).update(
                status_code=status, response=_jsonable(body)
            )
            return Status(status, body)

        # ninja reads the parameters from the signature: give it the view's, resolved in the
        # view's own module (string annotations would otherwise be looked up here).
        wrapper.__signature__ = inspect.signature(view, eval_str=True)  # type: ignore[attr-defined]
        return cast(F, wrapper)

    return decorate


def _replay(
    organisation: Organisation, who: str, key: str, path: str, fingerprint: str
) -> Status[Any]:
    row = IdempotentRequest.objects.get(organisation=organisation, principal=who, key=key)
    if row.path != path[:300] or row.fingerprint != fingerprint:
        raise ApiError(
            422,
            "idempotency_key_reused",
            "This Idempotency-Key was used for another request.",
            {HEADER: "Already used with another request."},
        )
    if row.status_code is None:
        raise ApiError(
            409, "request_in_progress", "A request with this Idempotency-Key is still running."
        )
    return Status(row.status_code, row.response)
