"""Forms for the portal's document actions: only what the person types, never a status."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from portico.activity.models import COMMENT_MAX_LENGTH
from portico.activity.portal_actions import REASON_MAX_LENGTH, SIGNATURE_MAX_LENGTH
from portico.core.text import SingleLineField
from portico.core.uploads import EXTENSIONS, MAX_BYTES
from portico.portal.forms import BlankOnce

ACCEPT = tuple(extension for extensions in EXTENSIONS.values() for extension in extensions)


class _Textarea(BlankOnce, forms.Textarea):
    pass


class _TextInput(BlankOnce, forms.TextInput):
    pass


class _FileInput(BlankOnce, forms.FileInput):
    pass


def _textarea(rows: int = 3) -> forms.Textarea:
    return _Textarea(attrs={"rows": rows, "class": "form-control"})


class AcceptForm(forms.Form):
    signed_name = SingleLineField(
        label=_("Type your full name to sign"),
        max_length=SIGNATURE_MAX_LENGTH,
        widget=_TextInput(attrs={"class": "form-control", "autocomplete": "name"}),
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you decline?"), max_length=REASON_MAX_LENGTH, widget=_textarea()
    )


class ChangesForm(forms.Form):
    message = forms.CharField(
        label=_("What would you like changed?"), max_length=REASON_MAX_LENGTH, widget=_textarea()
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you reject this time?"), max_length=REASON_MAX_LENGTH, widget=_textarea()
    )


class CommentForm(forms.Form):
    """A comment and, optionally, one file; the file is vetted by the service, not here."""

    body = forms.CharField(
        label=_("Add a comment"), max_length=COMMENT_MAX_LENGTH, widget=_textarea(3)
    )
    file = forms.FileField(
        label=_("Attach a file (optional)"),
        required=False,
        help_text=format_lazy(
            _("PDF, PNG, JPEG, GIF, text, CSV, Word (.docx) or Excel (.xlsx), up to {mb} MB."),
            mb=MAX_BYTES // (1024 * 1024),
        ),
        widget=_FileInput(attrs={"class": "form-control", "accept": ",".join(ACCEPT)}),
    )


class StatementForm(forms.Form):
    PERIODS = (
        ("this_month", _("This month")),
        ("last_month", _("Last month")),
        ("this_quarter", _("This quarter")),
        ("this_year", _("This year")),
        ("custom", _("Custom dates")),
    )

    period = forms.ChoiceField(
        label=_("Period"),
        choices=PERIODS,
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    start = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )
    end = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )

    def dates(self, today: datetime.date) -> tuple[datetime.date, datetime.date]:
        """The chosen period as (start, end), both inclusive."""
        data: dict[str, Any] = self.cleaned_data
        period = data.get("period") or "this_month"
        if period == "custom":
            return data["start"], data["end"]
        return period_dates(period, today)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("period") == "custom":
            start, end = data.get("start"), data.get("end")
            if not start or not end:
                raise forms.ValidationError(_("Choose both dates for a custom period."))
            if start > end:
                raise forms.ValidationError(_("The start date is after the end date."))
            if (end - start).days > 366 * 5:
                raise forms.ValidationError(_("Choose a period of at most five years."))
        return data


def period_dates(period: str, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    first_of_month = today.replace(day=1)
    if period == "last_month":
        end = first_of_month - datetime.timedelta(days=1)
        return end.replace(day=1), end
    if period == "this_quarter":
        month = 3 * ((today.month - 1) // 3) + 1
        start = today.replace(month=month, day=1)
        return start, today
    if period == "this_year":
        return today.replace(month=1, day=1), today
    return first_of_month, today
