"""Typed text shown beside other words, built into every template (`core.text`):
`{{ contact.display_name|bdi }}` in HTML, `{{ contact.display_name|isolate }}` in plain text."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from portico.core import text

register = template.Library()


@register.filter
def bdi(value: object) -> SafeString:
    return text.bdi(value)


@register.filter
def isolate(value: object) -> str:
    return text.isolate(value)
