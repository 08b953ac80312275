"""The one formatter, per locale: money, dates, date-times in the organisation's zone, numbers,
percentages; and "today" decided by the organisation's zone around midnight."""

from __future__ import annotations

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.template import Context, Template
from django.utils import timezone, translation
from django_countries.fields import Country

from portico.core import formats

AMOUNT = Decimal("1234.56")
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
# 23:30 in London on 4 December is 00:30 on 5 December in Berlin.
LATE_EVENING_UTC = datetime.datetime(2026, 12, 4, 23, 30, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "€1,234.56"),
        ("de", "1.234,56\xa0€"),
        # French groups with CLDR's narrow no-break space (U+202F)
        ("fr", "1\u202f234,56\xa0€"),
        ("es", "1.234,56\xa0€"),
        # CLDR's default digits for "ar" are Latin; the right-to-left mark keeps the sign in place
        ("ar", "\u200f1,234.56\xa0€"),
    ],
)
def test_money_per_locale(language: str, expected: str) -> None:
    assert formats.format_money(AMOUNT, "EUR", language) == expected


def test_money_follows_the_active_language_and_the_currency_digits() -> None:
    with translation.override("de"):
        assert formats.format_money(Decimal("1234"), "JPY") == "1.234\xa0¥"
        assert formats.format_money(Decimal("1.2345"), "KWD") == "1,235\xa0KWD"


def test_arabic_uses_the_digits_cldr_chooses_for_it() -> None:
    assert formats.babel_locale("ar").default_numbering_system == "latn"
    assert formats.format_money(AMOUNT, "SAR", "ar") == "\u200f1,234.56\xa0ر.س.\u200f"


def test_a_latin_currency_symbol_stays_whole_in_right_to_left_text() -> None:
    # "US$" between an Arabic mark and the end of the text would be shown "$US": the
    # left-to-right mark after it keeps the letters and the sign together
    assert formats.format_money(AMOUNT, "USD", "ar") == "\u200f1,234.56\xa0US$\u200e"
    assert formats.format_money(AMOUNT, "USD", "de") == "1.234,56\xa0$"


@pytest.mark.parametrize(
    ("language", "day", "moment"),
    [
        ("en", "Dec 5, 2026", "Dec 5, 2026, 12:30\u202fAM"),
        ("de", "05.12.2026", "05.12.2026, 00:30"),
        ("fr", "5 déc. 2026", "5 déc. 2026, 00:30"),
        ("es", "5 dic 2026", "5 dic 2026, 0:30"),
    ],
)
def test_dates_and_moments_in_the_organisations_zone(language: str, day: str, moment: str) -> None:
    with timezone.override(BERLIN):
        assert formats.format_date(LATE_EVENING_UTC, language) == day
        assert formats.format_datetime(LATE_EVENING_UTC, language) == moment
        assert formats.format_date(LATE_EVENING_UTC.date(), language) != day  # a date is a date


def test_a_moment_in_a_zone_given_outright() -> None:
    assert formats.format_datetime(LATE_EVENING_UTC, "de", zone=BERLIN) == "05.12.2026, 00:30"


@pytest.mark.parametrize(
    ("language", "number", "percent"),
    [
        ("en", "1,234.5", "19.5%"),
        ("de", "1.234,5", "19,5\xa0%"),
        ("fr", "1\u202f234,5", "19,5\xa0%"),
        ("es", "1.234,5", "19,5\xa0%"),
        ("ar", "1,234.5", "19.5%"),
    ],
)
def test_numbers_and_percentages(language: str, number: str, percent: str) -> None:
    assert formats.format_number(Decimal("1234.50"), language) == number
    assert formats.format_percent_of(Decimal("19.5"), language) == percent


def test_an_unknown_language_formats_as_english() -> None:
    assert formats.format_money(AMOUNT, "USD", "xx-nowhere") == "$1,234.56"
    assert formats.format_date(datetime.date(2026, 12, 4), "zz") == "Dec 4, 2026"


def test_the_template_filters_use_the_active_language_and_zone() -> None:
    template = Template(
        "{{ amount|money:'EUR' }} · {{ when|day }} · {{ when|moment }} · {{ rate|percent }}"
        " · {{ missing|day|default:'—' }}"
    )
    with translation.override("de"), timezone.override(BERLIN):
        text = template.render(Context({"amount": AMOUNT, "when": LATE_EVENING_UTC, "rate": 19}))
    assert text == "1.234,56\xa0€ · 05.12.2026 · 05.12.2026, 00:30 · 19\xa0% · —"


def test_today_is_the_organisations_today_around_midnight() -> None:
    with time_machine.travel(LATE_EVENING_UTC, tick=False):
        with timezone.override(zoneinfo.ZoneInfo("UTC")):
            assert timezone.localdate() == datetime.date(2026, 12, 4)
        with timezone.override(BERLIN):
            assert timezone.localdate() == datetime.date(2026, 12, 5)
            assert formats.format_date(timezone.now(), "en") == "Dec 5, 2026"


def test_a_country_reads_in_the_readers_language_and_none_reads_empty() -> None:
    assert formats.country_name(Country("DE"), "en") == "Germany"
    assert formats.country_name("DE", "de") == "Deutschland"
    assert formats.country_name(Country(""), "en") == ""
    assert formats.country_name(None) == ""
    with translation.override("fr"):
        assert formats.country_name(Country("DE")) == "Allemagne"
