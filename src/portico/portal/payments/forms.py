"""Forms of the online-payment pages. Amounts stay text here: the checkout service parses
them and answers with its own codes (too many decimals, above the balance…)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portico.core.text import SingleLineField
from portico.payments.models import SavedMethod
from portico.portal.self_service.forms import SelfServiceForm

MONTHS = [(m, f"{m:02d}") for m in range(1, 13)]


class PayForm(SelfServiceForm):
    """How to pay the chosen invoices. The choice itself is kept in the session (see
    `selection`), so nothing here grows with the customer's history: `digest` stands for every
    chosen invoice and balance as the page showed them."""

    amount = SingleLineField(
        label=_("Amount"),
        required=False,
        max_length=30,
        help_text=_("Leave empty to pay the chosen invoices in full."),
    )
    method = forms.ChoiceField(
        label=_("Pay with"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how to pay."),
            "invalid_choice": _("Choose how to pay."),
        },
    )
    token = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)
    save_method = forms.BooleanField(
        label=_("Save this card or account for future payments"), required=False
    )
    key = forms.CharField(max_length=80, widget=forms.HiddenInput)
    gateway = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    digest = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        methods: list[SavedMethod],
        allow_bank: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [(f"saved:{m.public_id}", str(m)) for m in methods]
        choices.append(("card", str(_("A new card"))))
        if allow_bank:
            choices.append(("bank", str(_("A new bank account (debit)"))))
        method_field = self.fields["method"]
        assert isinstance(method_field, forms.ChoiceField)
        method_field.choices = choices
        self.fields["save_method"].widget.attrs["class"] = "form-check-input"
        self.fields["amount"].widget.attrs.update(inputmode="decimal", autocomplete="off")


class MethodTokenForm(forms.Form):
    token = forms.CharField(max_length=100, widget=forms.HiddenInput)


class MethodEditForm(SelfServiceForm):
    exp_month = forms.TypedChoiceField(
        label=_("Expiry month"), choices=MONTHS, coerce=int, required=False, empty_value=None
    )
    exp_year = forms.IntegerField(
        label=_("Expiry year"), min_value=2000, max_value=2100, required=False
    )
    name = SingleLineField(label=_("Name"), max_length=200, required=False)
    line1 = SingleLineField(label=_("Address"), max_length=200, required=False)
    city = SingleLineField(label=_("City"), max_length=100, required=False)
    state = SingleLineField(label=_("State or region"), max_length=100, required=False)
    postal_code = SingleLineField(label=_("Postal code"), max_length=20, required=False)
    country = SingleLineField(label=_("Country (2 letters)"), max_length=2, required=False)
