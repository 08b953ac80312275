"""Staff forms that are not a model's admin form: Send a document, email a statement PDF."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.admin.forms import AdminPasswordChangeForm
from django.utils.translation import gettext_lazy as _
from unfold.widgets import (
    UnfoldAdminCheckboxSelectMultipleWidget,
    UnfoldAdminSelectWidget,
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


class _PersonLabel:
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} <{obj.email}>"


class PersonChoice(_PersonLabel, forms.ModelMultipleChoiceField):
    pass


class PersonOne(_PersonLabel, forms.ModelChoiceField):
    pass


def _choose_among(field: forms.Field, persons: list[ContactPerson]) -> None:
    """Limit a person field to `persons` (the customer's, chosen by the view), primary first."""
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = ContactPerson.objects.filter(pk__in=[p.pk for p in persons]).order_by(
        "-is_primary", "first_name", "pk"
    )


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
        _choose_among(self.fields["persons"], persons)
        self.fields["message"].help_text = _("Placeholders: %(names)s") % {
            "names": ", ".join(f"{{{name}}}" for name in placeholders.PLACEHOLDERS)
        }

    def cc_addresses(self) -> list[str]:
        return [a for a in re.split(r"[,;\s]+", self.cleaned_data.get("cc", "")) if a]


class StatementEmailForm(forms.Form):
    """Which of the customer's persons (with an email address) a statement PDF is emailed to."""

    person = PersonOne(
        label=_("Email to"),
        queryset=ContactPerson.objects.none(),
        empty_label=None,
        widget=UnfoldAdminSelectWidget,
    )

    def __init__(self, *args: Any, persons: list[ContactPerson], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choose_among(self.fields["person"], persons)
