from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.utils.functional import lazy
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from portico.accounts.models import User
from portico.core.kept import Kept
from portico.core.text import SingleLineField


class PortalForm(forms.Form):
    """Bootstrap classes, and errors tied to their field for screen readers."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            bound = self[name]
            described = [f"{bound.auto_id}_errors"]
            if self.fields[name].help_text:
                described.append(f"{bound.auto_id}_helptext")
            attrs = self.fields[name].widget.attrs
            attrs["aria-invalid"] = "true"
            attrs["aria-describedby"] = " ".join(described)
            attrs["class"] = "form-control is-invalid"


class LoginForm(PortalForm):
    email = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class EmailForm(PortalForm):
    email = forms.EmailField(
        label=_("Email address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class CodeForm(PortalForm):
    code = SingleLineField(
        label=_("Code"),
        max_length=16,
        help_text=_("The 6-digit code from your authenticator app, or a recovery code."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self) -> str:
        return "".join(str(self.cleaned_data["code"]).split())


_BLANK = Kept()


class BlankOnce:
    """A widget whose blank rendering (the empty forms the document and account pages show)
    depends only on its name and attributes: rendered through the form templates once per
    process, not on every view. A value, an error or other attributes render as usual."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget: Any = self
        if value not in (None, ""):
            return super().render(name, value, attrs, renderer)  # type: ignore[misc]
        key = (
            type(self),
            type(renderer),
            name,
            widget.is_required,
            *((k, type(v), str(v)) for k, v in sorted({**widget.attrs, **(attrs or {})}.items())),
        )
        blank = super().render  # type: ignore[misc]
        return _BLANK.get(key, lambda: blank(name, value, attrs, renderer))


class _PasswordInput(BlankOnce, forms.PasswordInput):
    """A password field never shows a value: rendered once per process for its attributes."""


class SetPasswordForm(PortalForm):
    """A new password, typed twice and checked with Django's validators for `user`."""

    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=_PasswordInput(attrs={"autocomplete": "new-password"}),
        # Django's validators say it in the request's language: joined when shown, not at import.
        help_text=lazy(lambda: " ".join(password_validators_help_texts()), str)(),
    )
    new_password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=_PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, user: User | None, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_new_password2(self) -> str:
        first = self.cleaned_data.get("new_password1")
        second = str(self.cleaned_data["new_password2"])
        if first and first != second:
            raise forms.ValidationError(_("The two passwords are not the same."))
        validate_password(second, self.user)
        return second


class PasswordChangeForm(SetPasswordForm):
    current = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=_PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    field_order = ["current", "new_password1", "new_password2"]
