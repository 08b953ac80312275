"""Typed text shown beside other words, built into every template (`core.text`):
`{{ contact.display_name|bdi }}` in HTML, `{{ contact.display_name|isolate }}` in plain text;
a sentence `text.fill` made (a notification's, an activity's detail) through `|sentence_bdi` in
HTML, shortened by `|sentence_cut:80` (a part cut short stays closed)."""

from __future__ import annotations

from django import template

from portico.core import text

register = template.Library()
register.filter("bdi", text.bdi)
register.filter("isolate", text.isolate)
register.filter("sentence_bdi", text.sentence_bdi)
register.filter("sentence_cut", text.cut)
