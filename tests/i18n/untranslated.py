"""Finds English left untranslated in a rendered page, email or PDF: each phrase of the portal's
own catalog whose translation differs from it is looked for in the visible text (compared
against the catalog, not a word list). A phrase with placeholders is looked for with each
placeholder standing for a short run of text, so "Invoice {number} from {org}" is found too."""

from __future__ import annotations

import html
import re
from functools import cache

from babel.messages.pofile import read_po

from tests.i18n.test_catalogs import LOCALE

PLACEHOLDER = re.compile(r"%\(\w+\)[#0 +-]*\d*(?:\.\d+)?[sdifrx]|%[sdifr]|\{\w+\}")
HIDDEN = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S)
WORD = re.compile(r"[A-Za-z]{2,}")
# A placeholder stands for a name, a number or an amount: a short run, never a whole page.
FILLER = r".{1,60}?"


def _pattern(source: str) -> re.Pattern[str] | None:
    """The phrase as a pattern, or None when it is too short to tell English apart: one word
    without placeholders, or fewer than two words outside them."""
    text = " ".join(source.replace("%%", "%").split())
    parts = PLACEHOLDER.split(text)
    literal = " ".join(parts)
    if len(WORD.findall(literal)) < 2:
        return None
    return re.compile(FILLER.join(re.escape(part) for part in parts))


@cache
def english_phrases(language: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """The catalog's English phrases (two words or more) translated into something else."""
    with open(LOCALE / language / "LC_MESSAGES" / "django.po", "rb") as po:
        catalog = read_po(po)
    found: dict[str, re.Pattern[str]] = {}
    for message in catalog:
        if not message.id:
            continue
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for source in sources:
            if source in strings or not any(strings):
                continue
            pattern = _pattern(source)
            if pattern is not None:
                found[source] = pattern
    return tuple(found.items())


def visible(text: str) -> str:
    return " ".join(html.unescape(HIDDEN.sub(" ", text)).split())


def english_left(text: str, language: str) -> list[str]:
    """The catalog's phrases still in English in `text` (HTML or plain)."""
    shown = visible(text)
    return [source for source, pattern in english_phrases(language) if pattern.search(shown)]
