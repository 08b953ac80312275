from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portico.core.errors import DomainError
from portico.documents import services


class ForwardForm(forms.Form):
    recipients = forms.CharField(
        label=_("Email addresses"),
        max_length=1000,
        strip=False,
        help_text=_("Up to 5 addresses, separated by commas."),
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
    message = forms.CharField(
        label=_("Message (optional)"),
        required=False,
        max_length=services.MAX_MESSAGE,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 4}),
    )

    def clean_recipients(self) -> list[str]:
        raw = self.cleaned_data["recipients"]
        try:
            return services.clean_recipients(raw.replace(";", ",").split(","))
        except DomainError as error:
            raise forms.ValidationError(error.message, code=error.code) from None


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("File"), widget=forms.ClearableFileInput(attrs={"class": "form-control"})
    )


class StaffAttachmentForm(AttachmentForm):
    show_in_portal = forms.BooleanField(label=_("Show in portal"), required=False, initial=True)


class PeriodForm(forms.Form):
    start = forms.DateField(required=False)
    end = forms.DateField(required=False)

    def period(self) -> tuple[datetime.date, datetime.date]:
        today = timezone.localdate()  # the organisation's today (its zone is active)
        data: dict[str, Any] = self.cleaned_data if self.is_valid() else {}
        end = data.get("end") or today
        start = data.get("start") or end.replace(month=1, day=1)
        return start, end
