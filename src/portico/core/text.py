"""Typed text that travels on one line: names, subjects, addresses, signatures.

Bidi controls (U+202A–U+202E, U+2066–U+2069, the marks U+200E, U+200F, U+061C) and other
invisible formatting characters let a customer disguise what staff read ("invoice‮fdp.exe");
they are removed. A line break in a single-line field is refused, not joined.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

INVISIBLE = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u200b\ufeff\u2060]")


def strip_invisible(value: str) -> str:
    return INVISIBLE.sub("", value)


def one_line(value: str) -> None:
    if any(char in value for char in "\r\n\u2028\u2029\x0b\x0c\x85"):
        raise ValidationError(_("Use a single line here."), code="line_break")


class SingleLineField(forms.CharField):
    """A `CharField` for one line of typed text: invisible formatting removed, breaks refused."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["validators"] = [one_line, *kwargs.get("validators", ())]
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str | None:
        text = super().to_python(value)
        return strip_invisible(text) if text else text
