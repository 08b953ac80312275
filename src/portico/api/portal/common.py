"""What every Portal API handler shares: the caller's scope, the list query, the origin."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Schema
from pydantic import Field

from portico.activity.services import Origin
from portico.api import errors
from portico.api.auth import client_ip
from portico.api.pagination import PageParams
from portico.api.schemas import SingleLine
from portico.sales.portal_selectors import ListQuery

# Every Portal API path carries the organisation's slug; the token must be of that portal.
ERRORS = {401: "Error", 404: "Error"}


class ListParams(PageParams):
    status: SingleLine = Field("", max_length=30, description="A status filter, as on the pages.")
    sort: SingleLine = Field("", max_length=30, description="A sort key, as on the pages.")


class InvoiceListParams(ListParams):
    kind: str = Field("", pattern="^(|regular|retainer)$")


def list_query(params: ListParams, kind: str = "") -> ListQuery:
    return ListQuery(
        status=params.status,
        sort=params.sort,
        page=params.page,
        kind=kind,
        per_page=params.page_size,
        updated_since=params.updated_since,
    )


def portal_throttle(request: HttpRequest, rule: str) -> None:
    """The pages' abuse limit on the same action: per IP and per signed-in person (the count a
    person's pages and tokens share); a 429 in the API's envelope once spent."""
    session = request.auth  # type: ignore[attr-defined]
    errors.throttle(request, rule, f"user:{session.user_id}")


def origin_of(request: HttpRequest) -> Origin:
    return Origin(ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")[:300])


class Ok(Schema):
    ok: bool = True
