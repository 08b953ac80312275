"""Staff forms that are not a model's admin form: Send a document."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.admin.forms import AdminPasswordChangeForm
from django.utils.translation import gettext_lazy as _
from unfold.widgets import (
    UnfoldAdminCheckboxSelectMultipleWidget,
    UnfoldAdminTextareaWidget,
    UnfoldAdminTextInputWidget,
    UnfoldBooleanSwitchWidget,
)

from portico.accounts import services as account_services
from portico.contacts.models import ContactPerson
from portico.core import placeholders
from portico.core.text import SingleLineField


class StaffPasswordChangeForm(AdminPasswordChangeForm):
    """The back office's own password change, made by `accounts.services.password_change`."""

    def save(self, commit: bool = True) -> Any:
        return account_services.password_change(
            user=self.user, password=self.cleaned_data["new_password1"]
        )


class PersonChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: ContactPerson) -> str:
        return f"{obj.full_name} <{obj.email}>"


class SendForm(forms.Form):
    """Recipients (the customer's persons), cc, subject and message, PDF on or off.

    The key is minted when the form is shown; posting the same key twice sends once.
    """

    persons = PersonChoice(
        label=_("Recipients"),
        queryset=ContactPerson.objects.none(),
        required=False,
        widget=UnfoldAdminCheckboxSelectMultipleWidget,
    )
    cc = SingleLineField(
        label=_("Cc"),
        required=False,
        max_length=1000,
        help_text=_("Other addresses, separated by commas."),
        widget=UnfoldAdminTextInputWidget,
    )
    subject = SingleLineField(
        label=_("Subject"),
        max_length=200,
        validators=[placeholders.validate],
        widget=UnfoldAdminTextInputWidget,
    )
    message = forms.CharField(
        label=_("Message"),
        max_length=4000,
        validators=[placeholders.validate],
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 10}),
    )
    attach_pdf = forms.BooleanField(
        label=_("Attach the PDF"), required=False, widget=UnfoldBooleanSwitchWidget
    )
    key = forms.CharField(widget=forms.HiddenInput, max_length=80)

    def __init__(self, *args: Any, persons: list[ContactPerson], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["persons"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = ContactPerson.objects.filter(pk__in=[p.pk for p in persons]).order_by(
            "-is_primary", "first_name", "pk"
        )
        self.fields["message"].help_text = _("Placeholders: %(names)s") % {
            "names": ", ".join(f"{{{name}}}" for name in placeholders.PLACEHOLDERS)
        }

    def cc_addresses(self) -> list[str]:
        return [a for a in re.split(r"[,;\s]+", self.cleaned_data.get("cc", "")) if a]
