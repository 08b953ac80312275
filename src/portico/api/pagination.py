"""Lists: `?page=` and `?page_size=` (capped at 100), answered as `{items, count, page, pages}`."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from ninja import Schema
from pydantic import Field

T = TypeVar("T")
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 25


class PageParams(Schema):
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    updated_since: datetime.datetime | None = Field(
        None, description="Only rows changed at or after this time (ISO 8601)."
    )


class Paged(Schema, Generic[T]):
    items: list[T]
    count: int
    page: int
    pages: int


def paginate(queryset: QuerySet[Any] | Sequence[Any], params: PageParams) -> Page:
    return Paginator(queryset, params.page_size).get_page(params.page)


def answer(page: Page, serialise: Callable[[Any], Any]) -> dict[str, Any]:
    return {
        "items": [serialise(row) for row in page.object_list],
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
    }
