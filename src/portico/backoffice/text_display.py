"""Typed text in the back office reads isolated: every list column showing a model's text
field, a related row's name or the row itself goes through `core.text.bdi`, and so does every
such field shown read-only on a change page (Unfold's `readonly_preprocess_fields`), so a
customer's name (or anything typed) cannot reorder the columns and words around it, and its
invisible controls are not shown; the row's name heading its change page is isolated too.
One mixin, inherited by every screen and inline like the money display.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.http import HttpRequest
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from portico.core import text

PREFIX = "text_"
ROW = "__str__"


def is_text_column(model: type[models.Model], name: Any) -> bool:
    if not isinstance(name, str):
        return False
    if name == ROW:
        return True
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    if isinstance(field, models.CharField | models.TextField):
        return not field.choices
    return bool(field.many_to_one or field.one_to_one) and field.concrete


def text_display(model: type[models.Model], name: str) -> Callable[[Any], str]:
    if name == ROW:

        @admin.display(description=model._meta.verbose_name)
        def row(obj: Any) -> SafeString:
            return text.bdi(obj)

        return row
    field = model._meta.get_field(name)

    @admin.display(description=field.verbose_name, ordering=name)  # type: ignore[union-attr]
    def show(obj: Any) -> SafeString | str:
        value = getattr(obj, name, None)
        return "-" if value in (None, "") else text.bdi(value)

    return show


def isolate_shown(contents: SafeString) -> SafeString:
    """A read-only field's contents, already escaped by the admin, isolated like `text.bdi`."""
    escaped = conditional_escape(contents)  # already safe from the admin; escaped otherwise
    return mark_safe(f"<bdi>{text.strip_invisible(escaped)}</bdi>")


class TextDisplayMixin:
    """List columns of text fields, relations and the row itself shown through `text.bdi`;
    the same fields isolated where a change page shows them read-only."""

    model: type[models.Model]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        isolated = {
            field.name: isolate_shown
            for field in self.model._meta.get_fields()
            if is_text_column(self.model, field.name)
        }
        own = getattr(self, "readonly_preprocess_fields", {})
        self.readonly_preprocess_fields = {**isolated, **own}

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> Any:
        # The row's name heads the page and its browser tab: plain text there, so isolates
        # (a sentence's own typed parts, a notification's, stay isolated inside).
        if context.get("subtitle"):
            context["subtitle"] = f"{text.FSI}{text.sentence(context['subtitle'])}{text.PDI}"
        return super().render_change_form(request, context, *args, **kwargs)  # type: ignore[misc]

    def get_list_display(self, request: HttpRequest) -> Any:
        names = super().get_list_display(request)  # type: ignore[misc]
        shown = []
        for name in names:
            if is_text_column(self.model, name):
                attribute = f"{PREFIX}{name.strip('_') if name == ROW else name}"
                if not hasattr(self, attribute):
                    setattr(self, attribute, text_display(self.model, name))
                name = attribute
            shown.append(name)
        return shown
