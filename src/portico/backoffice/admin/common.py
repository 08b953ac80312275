"""What every app's back-office module shares: read-only screens and service actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from portico.core.errors import DomainError


class ReadOnlyMixin:
    """Rows written only by the services: staff look, they never edit or delete."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def run_each(
    model_admin: admin.ModelAdmin[Any],
    request: HttpRequest,
    queryset: QuerySet[Any],
    action: Callable[[Any], object],
    done: Any,
) -> None:
    """Apply a service to each selected row; report successes and each refusal."""
    succeeded = 0
    for obj in queryset:
        try:
            action(obj)
        except DomainError as error:
            model_admin.message_user(request, f"{obj}: {error.message}", messages.ERROR)
        else:
            succeeded += 1
    if succeeded:
        model_admin.message_user(request, f"{done}: {succeeded}", messages.SUCCESS)


def service_action(
    description: Any, call: Callable[[Any], object], done: Any
) -> Callable[[Any, HttpRequest, QuerySet[Any]], None]:
    """An admin action that runs `call` on each selected row (a service, never a model write)."""

    def action(model_admin: Any, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        run_each(model_admin, request, queryset, call, done)

    return admin.action(description=description)(action)
