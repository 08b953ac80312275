"""Typed text that travels on one line: names, subjects, addresses, signatures, references.

Bidi controls (U+202A–U+202E, U+2066–U+2069, the marks U+200E, U+200F, U+061C) and other
invisible formatting characters let a customer disguise what staff read ("invoice‮fdp.exe");
they are removed. A line break in a single-line field is refused, not joined.

One rule, three doors: `SingleLineField` for forms, `formfield` for model forms (a model's
`CharField` without choices is one line of text), `clean_single_line` for the API's schemas.

Where typed text is shown beside other words (to staff, in mails, notifications and PDFs) it is
isolated, so whatever it holds cannot reorder what surrounds it, and its invisible controls are
dropped on the way (text stored before they were refused): `bdi` for HTML, `isolate` for plain
text, `fill` for a sentence made of typed parts; in templates the `|bdi` and `|isolate` filters.

A sentence `fill` made (a notification) is stored with its typed parts between isolates and shown
through `sentence` (plain text) or `sentence_bdi` (HTML, each part in `<bdi>`): its balanced
FSI … PDI pairs are kept, every other control is dropped, so nothing is isolated twice and an
isolate typed by a customer (dropped by `fill`, or in older rows) cannot swallow the words after it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

INVISIBLE = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u200b\ufeff\u2060]")
LINE_BREAKS = "\r\n\u2028\u2029\x0b\x0c\x85"
FSI, PDI = "\u2068", "\u2069"  # first-strong isolate … pop directional isolate
ISOLATED_PART = re.compile(f"{FSI}([^{FSI}{PDI}]*){PDI}")


def strip_invisible(value: str) -> str:
    return INVISIBLE.sub("", value)


def one_line(value: str) -> None:
    if any(char in value for char in LINE_BREAKS):
        raise ValidationError(_("Use a single line here."), code="line_break")


def clean_single_line(value: str) -> str:
    """The value without invisible formatting; `ValidationError` when it holds a line break."""
    cleaned = strip_invisible(value)
    one_line(cleaned)
    return cleaned


class SingleLineField(forms.CharField):
    """A `CharField` for one line of typed text: invisible formatting removed, breaks refused."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["validators"] = [one_line, *kwargs.get("validators", ())]
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str | None:
        text = super().to_python(value)
        return strip_invisible(text) if text else text


def is_single_line(db_field: models.Field[Any, Any], widget: Any = None) -> bool:
    """A model's plain `CharField` without choices, not shown in a textarea.

    Its subclasses (email, URL, slug) keep their own form fields, which refuse both already.
    """
    if type(db_field) is not models.CharField or db_field.choices:
        return False
    widget_class = widget if isinstance(widget, type) else type(widget)
    return not issubclass(widget_class, forms.Textarea)


def formfield(db_field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """A `formfield_callback` for model forms: single-line model fields get a `SingleLineField`."""
    if is_single_line(db_field, kwargs.get("widget")):
        kwargs.setdefault("form_class", SingleLineField)
    return db_field.formfield(**kwargs)


def _shown(value: object) -> str:
    return "" if value is None else strip_invisible(str(value))


def bdi(value: object) -> SafeString:
    """Typed text for HTML: escaped, without invisible controls, inside `<bdi>`."""
    return format_html("<bdi>{}</bdi>", _shown(value))


def isolate(value: object) -> str:
    """Typed text for plain text (mail, notification): without invisible controls, between
    Unicode isolates (FSI … PDI), the plain-text `<bdi>`."""
    return f"{FSI}{_shown(value)}{PDI}"


def fill(
    template: str, params: Mapping[str, object], *, words: Mapping[str, str] | None = None
) -> str:
    """`template % params` with every parameter isolated: a sentence made of typed parts
    ("%(customer)s declined estimate %(number)s: %(reason)s"). `words` go in as they are: the
    program's own (an amount) or a part made by `fill` or `listing` already."""
    return template % {**(words or {}), **{name: isolate(value) for name, value in params.items()}}


def listing(values: Iterable[object], separator: str = ", ") -> str:
    """Typed values one after another, each isolated, for `fill`'s `words`."""
    return separator.join(isolate(value) for value in values)


def cut(sentence: str, limit: int) -> str:
    """A filled sentence in at most `limit` characters; a typed part cut short stays closed."""
    if len(sentence) <= limit:
        return sentence
    head = sentence[: limit - 1]
    return f"{head}{PDI}" if head.rfind(FSI) > head.rfind(PDI) else sentence[:limit]


def _parts(value: object) -> Iterator[tuple[str, bool]]:
    """A filled sentence as (words, False) and (typed part, True) in turn, without controls.

    A typed part is a balanced FSI … PDI pair with no isolate inside; any other isolate
    (unbalanced, or around a part already isolated) is dropped like every other control.
    """
    shown = "" if value is None else str(value)
    at = 0
    for match in ISOLATED_PART.finditer(shown):
        yield strip_invisible(shown[at : match.start()]), False
        yield strip_invisible(match[1]), True
        at = match.end()
    yield strip_invisible(shown[at:]), False


def sentence(value: object) -> str:
    """A filled sentence for plain text (mail, subject): its typed parts between isolates."""
    return "".join(f"{FSI}{part}{PDI}" if typed else part for part, typed in _parts(value))


def sentence_bdi(value: object) -> SafeString:
    """A filled sentence for HTML: escaped, each typed part in its own `<bdi>`."""
    shown = (
        format_html("<bdi>{}</bdi>", part) if typed else escape(part)
        for part, typed in _parts(value)
    )
    return mark_safe("".join(shown))
