"""One mixin scopes every back-office screen to the staff user's organisation.

Querysets, foreign-key choices, new rows and constraint validation all go through
`portico.core.tenancy`, so an admin class only has to inherit from these.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpRequest
from unfold.admin import ModelAdmin, TabularInline

from portico.backoffice.money_display import MoneyDisplayMixin
from portico.backoffice.text_display import TextDisplayMixin
from portico.core import text
from portico.core.tenancy import organisation_path, scope_to_organisation


def organisation_of(request: HttpRequest) -> Any:
    return getattr(request, "organisation", None)


def _may_write(request: HttpRequest) -> bool:
    membership = getattr(request, "membership", None)
    return membership is not None and membership.can_write


def _assign_organisation(instance: models.Model, organisation: Any) -> None:
    has_field = any(f.name == "organisation" for f in instance._meta.concrete_fields)
    if (
        organisation is not None
        and has_field
        and getattr(instance, "organisation_id", None) is None
    ):
        instance.organisation = organisation  # type: ignore[attr-defined]


def scoped_form(form_class: type[forms.ModelForm], organisation: Any) -> type[forms.ModelForm]:
    """A form whose instance carries the organisation *before* validation, so constraints
    that name the organisation (one default tax, unique names) are checked as field errors."""

    class OrganisationScopedForm(form_class):  # type: ignore[valid-type,misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            _assign_organisation(self.instance, organisation)

        def _get_validation_exclusions(self) -> set[str]:
            return super()._get_validation_exclusions() - {"organisation"}

    OrganisationScopedForm.__name__ = form_class.__name__
    return OrganisationScopedForm


class ScopedFormfieldsMixin:
    """Foreign-key and many-to-many choices limited to the request's organisation; a model's
    single-line text typed through `core.text.SingleLineField` (bidi controls removed, line
    breaks refused) on every screen and inline."""

    def formfield_for_dbfield(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        if text.is_single_line(db_field, kwargs.get("widget")):
            kwargs.setdefault("form_class", text.SingleLineField)
        return super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        related = db_field.remote_field.model
        if "queryset" not in kwargs and organisation_path(related) is not None:
            kwargs["queryset"] = scope_to_organisation(
                related._default_manager.all(), organisation_of(request)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        related = db_field.remote_field.model
        if "queryset" not in kwargs and organisation_path(related) is not None:
            kwargs["queryset"] = scope_to_organisation(
                related._default_manager.all(), organisation_of(request)
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]


class MembershipPermissionsMixin:
    """The member's role decides, on every screen: a read-only member looks; staff work with
    the books; settings (`settings_model`) need an owner or admin.

    Screens that narrow these further call `super()`, so the role is always asked first.
    """

    settings_model = False

    def _member(self, request: HttpRequest) -> bool:
        return getattr(request, "membership", None) is not None

    def _may_change(self, request: HttpRequest) -> bool:
        membership = getattr(request, "membership", None)
        if membership is None or not membership.can_write:
            return False
        return membership.can_manage_settings if self.settings_model else True

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._member(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._member(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._may_change(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_change(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_change(request)


class OrganisationScopedAdmin(
    TextDisplayMixin,
    MoneyDisplayMixin,
    MembershipPermissionsMixin,
    ScopedFormfieldsMixin,
    ModelAdmin,
):
    """Base for every back-office model screen."""

    # Unfold renders each row's cells with some weight: short pages keep lists fast, and an
    # exact total count of a large table is not worth a second full scan.
    list_per_page = 25
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        return scope_to_organisation(super().get_queryset(request), organisation_of(request))

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # Every action changes something (a send, a void, a reminder): none for read-only.
        if not _may_write(request):
            return {}
        return super().get_actions(request)

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> Any:
        # Another organisation's row answers exactly like a missing one: 404.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("No such record.")
        return obj

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        return scoped_form(form, organisation_of(request))

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        _assign_organisation(obj, organisation_of(request))
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        instances = formset.save(commit=False)
        for instance in instances:
            _assign_organisation(instance, organisation_of(request))
            instance.save()
        for deleted in formset.deleted_objects:
            deleted.delete()
        formset.save_m2m()


class _ScopedInlineFormSet(BaseInlineFormSet):
    organisation: Any = None

    def _construct_form(self, i: int, **kwargs: Any) -> Any:
        form = super()._construct_form(i, **kwargs)  # type: ignore[misc]
        _assign_organisation(form.instance, self.organisation)
        return form

    @property
    def empty_form(self) -> Any:
        form = super().empty_form
        _assign_organisation(form.instance, self.organisation)
        return form


class ScopedInlineMixin(
    TextDisplayMixin, MoneyDisplayMixin, MembershipPermissionsMixin, ScopedFormfieldsMixin
):
    formset = _ScopedInlineFormSet

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)  # type: ignore[misc]
        formset.organisation = organisation_of(request)
        formset.form = scoped_form(formset.form, organisation_of(request))
        return formset

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        return scope_to_organisation(
            super().get_queryset(request),  # type: ignore[misc]
            organisation_of(request),
        )


class ScopedTabularInline(ScopedInlineMixin, TabularInline):
    pass
