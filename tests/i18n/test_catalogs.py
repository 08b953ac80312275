"""The shipped catalogs are complete and true to the code (docs/translations.md):

- every entry of each language is translated and none is fuzzy;
- a translation keeps its source's placeholders (`%(name)s`, `%s`, `{name}`);
- the catalogs hold exactly the strings the code marks: the templates and Python are extracted
  afresh (makemessages into a scratch copy) and compared with the shipped message ids, so a new
  or changed string left out of the catalogs fails here until `make catalogs` brings it in.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

import portico

PACKAGE = Path(portico.__file__).resolve().parent
LOCALE = PACKAGE / "locale"
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
PLACEHOLDER = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?[sdifrx]|%[sdifr]|\{\w+\}")


def catalog(language: str, path: Path = LOCALE) -> Catalog:
    with open(path / language / "LC_MESSAGES" / "django.po", "rb") as po:
        return read_po(po, locale=language.replace("-", "_"))


def entries(language: str) -> list[Message]:
    return [message for message in catalog(language) if message.id]


def _forms(value: str | tuple[str, ...] | None) -> tuple[str, ...]:
    if isinstance(value, tuple | list):
        return tuple(value)
    return (value or "",)


def _placeholders(text: str) -> list[str]:
    return sorted(match.group(0) for match in PLACEHOLDER.finditer(text))


def _key(message: Message) -> tuple[str, str | None]:
    return (_forms(message.id)[0], message.context)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_is_translated_and_none_is_fuzzy(language: str) -> None:
    fuzzy = [_forms(m.id)[0] for m in entries(language) if m.fuzzy]
    untranslated = [_forms(m.id)[0] for m in entries(language) if not all(_forms(m.string))]
    assert not fuzzy, f"{language}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"
    assert not untranslated, (
        f"{language}: {len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_their_placeholders(language: str) -> None:
    wrong = []
    for message in entries(language):
        sources = _forms(message.id)
        translations = [form for form in _forms(message.string) if form]
        if message.pluralizable:
            # a plural form may leave the number out ("one invoice"), never add a placeholder
            allowed = {p for source in sources for p in _placeholders(source)}
            if any(not set(_placeholders(form)) <= allowed for form in translations):
                wrong.append(sources[0])
        elif any(_placeholders(form) != _placeholders(sources[0]) for form in translations):
            wrong.append(sources[0])
    assert not wrong, f"{language}: placeholders differ from the source in {wrong[:10]}"


def test_the_catalogs_hold_exactly_the_strings_the_code_marks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a scratch copy of the code, extracted as `make catalogs` extracts it
    copy = tmp_path / "src" / "portico"
    shutil.copytree(
        PACKAGE,
        copy,
        ignore=shutil.ignore_patterns("locale", "vendor", "__pycache__", "*.mo", "*.po"),
    )
    (copy / "locale").mkdir()
    monkeypatch.chdir(tmp_path)
    with override_settings(LOCALE_PATHS=[str(copy / "locale")]):
        call_command("makemessages", locale=["de"], verbosity=0, no_obsolete=True)
    extracted = {_key(m) for m in catalog("de", copy / "locale") if m.id}

    # then every shipped catalog has the same strings
    for language in LANGUAGES:
        shipped = {_key(m) for m in entries(language)}
        missing = sorted(k[0] for k in extracted - shipped)
        stale = sorted(k[0] for k in shipped - extracted)
        assert not missing, f"{language}: not in the catalog (run make catalogs): {missing[:10]}"
        assert not stale, f"{language}: no longer in the code (run make catalogs): {stale[:10]}"
