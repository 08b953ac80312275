"""Forms of the self-service pages: they check shape and length; the services decide the rest."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from portico.contacts.models import (
    MESSAGE_MAX_LENGTH,
    REVIEW_MAX_LENGTH,
    SUBJECT_MAX_LENGTH,
)
from portico.core.text import SingleLineField
from portico.portal.forms import PortalForm

PHONE = re.compile(r"^[0-9+()./\- ]*$")


def phone_number(value: str) -> None:
    if not PHONE.match(value):
        raise ValidationError(_("Use digits, spaces and + ( ) - . / only."), code="phone")


def _text(label: Any, max_length: int, *, required: bool = False, **kwargs: Any) -> forms.CharField:
    return SingleLineField(
        label=label,
        max_length=max_length,
        required=required,
        **kwargs,
    )


def _phone(label: Any) -> forms.CharField:
    return SingleLineField(
        label=label,
        max_length=50,
        required=False,
        validators=[phone_number],
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )


class SelfServiceForm(PortalForm):
    """Bootstrap's own classes for selects and radio buttons, also once they show an error."""

    def _widget_classes(self) -> None:
        errors = getattr(self, "_errors", None) or {}
        for name, field in self.fields.items():
            invalid = " is-invalid" if name in errors else ""
            if isinstance(field.widget, forms.RadioSelect):
                field.widget.attrs["class"] = "form-check-input" + invalid
            elif isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select" + invalid

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._widget_classes()

    def full_clean(self) -> None:
        super().full_clean()
        self._widget_classes()


class MyDetailsForm(SelfServiceForm):
    first_name = _text(
        _("First name"), 100, required=True, widget=forms.TextInput({"autocomplete": "given-name"})
    )
    last_name = _text(_("Last name"), 100, widget=forms.TextInput({"autocomplete": "family-name"}))
    designation = _text(_("Job title"), 100)
    phone = _phone(_("Phone"))
    mobile = _phone(_("Mobile"))
    language = forms.ChoiceField(label=_("Language"), required=False, choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = self.fields["language"]
        assert isinstance(language, forms.ChoiceField)
        language.choices = [("", _("Same as my browser")), *settings.LANGUAGES]


class EmailChangeForm(SelfServiceForm):
    new_email = forms.EmailField(
        label=_("New email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    current_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


def _country(label: Any) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=False, choices=[("", "—"), *countries])


class CompanyForm(SelfServiceForm):
    display_name = _text(_("Display name"), 200, required=True)
    company_name = _text(_("Company name"), 200)
    tax_number = _text(_("Tax/VAT number"), 50)
    website = forms.URLField(
        label=_("Website"), required=False, max_length=200, assume_scheme="https"
    )
    phone = _phone(_("Phone"))
    billing_attention = _text(_("Attention"), 200)
    billing_street = _text(
        _("Street"), 200, widget=forms.TextInput({"autocomplete": "billing address-line1"})
    )
    billing_street2 = _text(_("Street (line 2)"), 200)
    billing_postal_code = _text(_("Postal code"), 20)
    billing_city = _text(_("City"), 100)
    billing_state = _text(_("State or region"), 100)
    billing_country = _country(_("Country"))
    shipping_attention = _text(_("Attention"), 200)
    shipping_street = _text(
        _("Street"), 200, widget=forms.TextInput({"autocomplete": "shipping address-line1"})
    )
    shipping_street2 = _text(_("Street (line 2)"), 200)
    shipping_postal_code = _text(_("Postal code"), 20)
    shipping_city = _text(_("City"), 100)
    shipping_state = _text(_("State or region"), 100)
    shipping_country = _country(_("Country"))

    def address(self, kind: str) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(f"{kind}_")]

    @property
    def company_fields(self) -> list[forms.BoundField]:
        return [
            self[name] for name in self.fields if not name.startswith(("billing_", "shipping_"))
        ]

    @property
    def billing_fields(self) -> list[forms.BoundField]:
        return self.address("billing")

    @property
    def shipping_fields(self) -> list[forms.BoundField]:
        return self.address("shipping")


class ContactBusinessForm(SelfServiceForm):
    subject = _text(_("Subject"), SUBJECT_MAX_LENGTH, required=True)
    body = forms.CharField(
        label=_("Message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
    )


class ReviewForm(SelfServiceForm):
    RATINGS = [(n, str(n)) for n in range(5, 0, -1)]

    rating = forms.TypedChoiceField(
        label=_("Rating"), choices=RATINGS, coerce=int, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("Your review"),
        max_length=REVIEW_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
