"""The API's one error shape: `{"error": {"code", "message", "fields"}}`, never a stack trace."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as ModelValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from portico.core import ratelimit
from portico.core.client_ip import client_ip
from portico.core.errors import DomainError, InvalidTransition

logger = logging.getLogger(__name__)


class ApiError(Exception):
    """Raised by handlers for an answer that is not a domain rule (auth, throttling, conflicts)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        fields: dict[str, str] | None = None,
        *,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or {}
        self.retry_after = retry_after


def not_found() -> ApiError:
    return ApiError(404, "not_found", "Not found.")


def throttle(request: HttpRequest, rule: str, *keys: str) -> None:
    """Count one use of `rule` (`core.ratelimit`, `settings.RATE_LIMITS`) per IP address and
    per `keys`; over the allowance, a 429 in the envelope with `Retry-After`."""
    if not ratelimit.hit(rule, f"ip:{client_ip(request) or 'unknown'}", *keys):
        raise ApiError(
            429,
            "throttled",
            "Too many requests; try again later.",
            retry_after=settings.RATE_LIMITS[rule][1],
        )


def envelope(code: str, message: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _field_name(location: Any) -> str:
    """`("body", "payload", "lines", 0, "rate")` → `lines.0.rate` (what a client sent)."""
    parts = [str(p) for p in location]
    while parts and parts[0] in {"body", "query", "path", "header", "payload", "filters"}:
        parts.pop(0)
    return ".".join(parts) or "body"


def validation_fields(errors: list[dict[str, Any]]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for error in errors:
        fields.setdefault(_field_name(error.get("loc", ())), str(error.get("msg", "Invalid.")))
    return fields


def install(api: NinjaAPI) -> None:
    def respond(
        request: HttpRequest,
        status: int,
        code: str,
        message: str,
        fields: dict[str, str] | None = None,
    ) -> HttpResponse:
        return api.create_response(request, envelope(code, message, fields), status=status)

    @api.exception_handler(ApiError)
    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        response = respond(request, exc.status, exc.code, exc.message, exc.fields)
        if exc.status == 401:
            response["WWW-Authenticate"] = "Bearer"
        if exc.retry_after is not None:
            response["Retry-After"] = str(exc.retry_after)
        return response

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        fields = validation_fields(list(exc.errors))
        return respond(request, 422, "validation_error", "The request is not valid.", fields)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = respond(
            request, 401, "unauthenticated", "Missing, expired or revoked credentials."
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = {400: "bad_request", 403: "forbidden", 404: "not_found", 429: "throttled"}.get(
            exc.status_code, "error"
        )
        fields = None
        if isinstance(exc.__cause__, ValueError):
            # django-ninja could not parse the body (a JSONDecodeError or a UnicodeDecodeError)
            fields = {"body": f"Not valid JSON: {exc.__cause__}"}
        return respond(request, exc.status_code, code, str(exc), fields)

    @api.exception_handler(Http404)
    def missing(request: HttpRequest, exc: Http404) -> HttpResponse:
        # One body for missing, foreign and malformed ids: it confirms nothing.
        return respond(request, 404, "not_found", "Not found.")

    @api.exception_handler(PermissionDenied)
    def denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, 403, "forbidden", "Not allowed.")

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        fields = {"body": f"At most {limit} bytes."}
        return respond(request, 400, "body_too_large", "The request body is too large.", fields)

    @api.exception_handler(ModelValidationError)
    def model_invalid(request: HttpRequest, exc: ModelValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            fields = {name: " ".join(messages) for name, messages in exc.message_dict.items()}
        else:
            fields = {"body": " ".join(exc.messages)}
        return respond(request, 422, "validation_error", "The request is not valid.", fields)

    @api.exception_handler(InvalidTransition)
    def conflict(request: HttpRequest, exc: InvalidTransition) -> HttpResponse:
        return respond(request, 409, exc.code, exc.message)

    @api.exception_handler(DomainError)
    def broken_rule(request: HttpRequest, exc: DomainError) -> HttpResponse:
        fields = {exc.field: exc.message} if exc.field else {}
        # A PortalFailure's code is its CP code (DESIGN.md §6): nothing was charged.
        return respond(request, 400, exc.code, exc.message, fields)

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API request failed: %s %s", request.method, request.path)
        return respond(request, 500, "server_error", "Something went wrong on our side.")
