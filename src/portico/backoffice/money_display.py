"""Amounts in the back office read as money in their document's currency ("$1,412.13"), never
as a stored decimal ("1412.1300"): one helper every admin screen and inline inherits.

A money field is a `DecimalField` stored with four places (sales' `MONEY`) on a model that knows
its currency, on itself or through the document, payment or invoice it belongs to. Wherever such
a field is shown read-only (every list column; a readonly field on a change page, a line of an
issued document), `money_<field>` takes its place and calls `core.formats.format_money`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from unfold.widgets import UnfoldAdminDecimalFieldWidget

from portico.core.formats import format_money

PREFIX = "money_"
# Where a row without its own currency finds it: the document, payment or invoice it belongs to.
CURRENCY_OWNERS = ("document", "payment", "invoice", "credit", "credit_note")


def currency_path(model: type[models.Model]) -> tuple[str, ...] | None:
    """The attribute path to `model`'s currency, or None when it has none."""
    names = {field.name: field for field in model._meta.get_fields()}
    if "currency" in names and getattr(names["currency"], "concrete", False):
        return ("currency",)
    for owner in CURRENCY_OWNERS:
        field = names.get(owner)
        if field is None or not field.many_to_one:
            continue
        related = field.related_model
        if any(f.name == "currency" for f in related._meta.concrete_fields):  # type: ignore[union-attr]
            return (owner, "currency")
    return None


def money_field_names(model: type[models.Model]) -> list[str]:
    if currency_path(model) is None:
        return []
    return [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, models.DecimalField) and field.decimal_places == 4
    ]


def currency_of(obj: Any, path: Sequence[str]) -> str:
    value = obj
    for name in path:
        if value is None:
            return ""
        if name != path[-1] and getattr(value, f"{name}_id", 0) is None:
            return ""  # an unsaved row not yet tied to its document
        value = getattr(value, name, None)
    return str(value or "")


def format_amount(amount: Decimal | None, currency: str) -> str:
    """The amount in its currency, in the staff member's language."""
    if amount is None or not currency:
        return "—"  # a row not yet saved has no currency, and no amount worth showing
    return format_money(Decimal(amount), currency)


def money_display(model: type[models.Model], name: str) -> Callable[[Any], str]:
    path = currency_path(model) or ()
    field = model._meta.get_field(name)

    @admin.display(description=field.verbose_name, ordering=name)  # type: ignore[union-attr]
    def show(obj: Any) -> str:
        return format_amount(getattr(obj, name, None), currency_of(obj, path))

    return show


class TrimmedDecimalInput(UnfoldAdminDecimalFieldWidget):
    """A stored four-place decimal typed back as a person wrote it: "1", "470.71", not
    "1.0000" or "470.7100"."""

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, Decimal) and value.is_finite():
            trimmed = value.normalize()
            return f"{trimmed:f}" if trimmed != trimmed.to_integral() else f"{trimmed:.0f}"
        return super().format_value(value)


def substitute(names: Sequence[Any], money: set[str], readonly: Sequence[Any]) -> list[Any]:
    """`names` with each read-only money field replaced by its display, each name once."""
    result: list[Any] = []
    for name in names:
        if isinstance(name, str) and name in money and name in readonly:
            name = f"{PREFIX}{name}"
        if name not in result:
            result.append(name)
    return result


class MoneyDisplayMixin:
    """Read-only money fields shown with `format_money` in the row's currency; inherited by
    `OrganisationScopedAdmin` and the scoped inlines, so every screen formats the same way.

    The substitution wraps the screen's own `get_readonly_fields` and `get_fieldsets` on the
    instance, so it applies after every subclass has decided what is read-only.
    """

    model: type[models.Model]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.money_fields = set(money_field_names(self.model))
        if not self.money_fields:
            return
        for name in self.money_fields:
            setattr(self, f"{PREFIX}{name}", money_display(self.model, name))
        readonly_of = self.get_readonly_fields  # type: ignore[attr-defined]
        fieldsets_of = self.get_fieldsets  # type: ignore[attr-defined]
        money = self.money_fields

        def shown_only(request: HttpRequest, obj: Any) -> list[Any]:
            names = list(readonly_of(request, obj))
            if not self.has_change_permission(request, obj):  # type: ignore[attr-defined]
                names += sorted(money)  # Django shows every field of a view-only page as text
            return names

        def get_readonly_fields(request: HttpRequest, obj: Any = None) -> list[Any]:
            names = list(readonly_of(request, obj))
            shown = shown_only(request, obj)
            return [*names, *(f"{PREFIX}{name}" for name in sorted(money) if name in shown)]

        def get_fieldsets(request: HttpRequest, obj: Any = None) -> list[Any]:
            readonly = shown_only(request, obj)
            result = []
            for title, options in fieldsets_of(request, obj):
                fields: list[Any] = []
                for line in options.get("fields", ()):
                    if isinstance(line, list | tuple):
                        fields.append(tuple(substitute(line, money, readonly)))
                    else:
                        fields.extend(substitute([line], money, readonly))
                result.append((title, {**options, "fields": substitute(fields, set(), [])}))
            return result

        setattr(self, "get_readonly_fields", get_readonly_fields)  # noqa: B010
        setattr(self, "get_fieldsets", get_fieldsets)  # noqa: B010

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if isinstance(db_field, models.DecimalField) and db_field.decimal_places == 4:
            kwargs["widget"] = TrimmedDecimalInput
        return super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]

    def get_list_display(self, request: HttpRequest) -> Any:
        names = super().get_list_display(request)  # type: ignore[misc]
        return substitute(names, self.money_fields, names)
