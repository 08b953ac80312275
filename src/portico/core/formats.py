"""The one formatter: money, dates, date-times, numbers and percentages for the reader's language,
through Babel (CLDR). Pages (the `formats` template filters), emails and PDFs all call it, so an
amount or a date reads the same everywhere.

`language` is a Django language code ("de", "pt-br"); left out, the active language is used. An
unknown code formats as English. Date-times are shown in the current time zone (the organisation's:
the middleware activates it for a request, `compose_email` and the PDF renderer for theirs) unless
a zone is given; "today" is `django.utils.timezone.localdate()` in that zone.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
import zoneinfo
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as babel_date
from babel.dates import format_time as babel_time
from babel.numbers import format_currency, format_decimal, format_percent
from django.conf import settings
from django.utils import timezone, translation
from django_countries import countries

from portico.core.money import minor_unit, quantize

# Latin digits: CLDR's default for every language Portico speaks, Arabic ("ar") included, and the
# only digits Babel writes (its Arabic-Indic symbols with Latin digits would mix two systems).
NUMBERING = "latn"


@lru_cache(maxsize=64)
def babel_locale(language: str | None = None) -> Locale:
    """The Babel locale for a Django language code; English for an unknown one."""
    try:
        return Locale.parse(str(language or "en").replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        return Locale.parse("en")


def _locale(language: str | None) -> Locale:
    return babel_locale(language or translation.get_language() or "en")


# --- money ---------------------------------------------------------------------------------------
#
# Babel formats one amount in about a quarter of a millisecond; a 2,000-line statement prints
# 4,000 of them. The shape of a currency amount in a locale (signs, symbol, separators, grouping)
# is learned once from Babel and reused, after checking it against Babel on sample amounts: a
# locale whose output this cannot reproduce (other digits, unusual patterns) keeps using Babel.

_SAMPLES = (
    Decimal("1234567.891"),
    Decimal("-1234567.891"),
    Decimal("0"),
    Decimal("-5.5"),
    Decimal("12"),
)
_BODY = re.compile(r"^(.*?)([0-9](?:.*[0-9])?)(\D*)$", re.S)


def _babel(currency: str, locale: Locale) -> Callable[[Decimal], str]:
    return lambda amount: str(
        format_currency(
            quantize(amount, currency), currency, locale=locale, numbering_system=NUMBERING
        )
    )


def _group(digits: str, primary: int, secondary: int, separator: str) -> str:
    if len(digits) <= primary or not separator:
        return digits
    head, tail = digits[:-primary], digits[-primary:]
    parts = [tail]
    while len(head) > secondary:
        parts.append(head[-secondary:])
        head = head[:-secondary]
    parts.append(head)
    return separator.join(reversed(parts))


@lru_cache(maxsize=64)
def money_formatter(currency: str, language: str | None = None) -> Callable[[Decimal], str]:
    """A function that formats amounts of `currency` for `language` as Babel does, fast.

    In a right-to-left language a currency written with Latin letters ("US$") would be torn
    apart by the bidi algorithm (shown "$US"): a left-to-right mark after it keeps it whole."""
    formatter = _money_formatter(currency, language)
    sample = formatter(Decimal("1"))
    code = (language or "en").split("-")[0]
    if code in settings.LANGUAGES_BIDI and any(
        unicodedata.bidirectional(char) == "L" for char in sample
    ):
        return lambda amount: f"{formatter(amount)}\u200e"
    return formatter


def _money_formatter(currency: str, language: str | None) -> Callable[[Decimal], str]:
    parsed = babel_locale(language or "en")
    slow = _babel(currency, parsed)
    try:
        pattern = parsed.currency_formats["standard"]
        positive = _BODY.match(slow(Decimal("1234567.891")))
        negative = _BODY.match(slow(Decimal("-1234567.891")))
    except Exception:  # any surprise keeps the exact, slower path
        return slow
    if positive is None or negative is None:
        return slow
    digits = minor_unit(currency)
    body = positive.group(2)
    decimal = body[-digits - 1] if digits else ""
    integer_part = body[: -digits - 1] if digits else body
    group = next((c for c in integer_part if not c.isdigit()), "")
    primary, secondary = pattern.grouping

    def fast(amount: Decimal) -> str:
        value = quantize(Decimal(amount), currency)
        sign = negative if value.is_signed() else positive
        text = f"{abs(value):.{digits}f}"
        whole, _point, fraction = text.partition(".")
        number = _group(whole, primary, secondary, group) + (decimal + fraction if digits else "")
        return f"{sign.group(1)}{number}{sign.group(3)}"

    if all(fast(sample) == slow(sample) for sample in _SAMPLES):
        return fast
    return slow


def format_money(amount: Decimal, currency: str, language: str | None = None) -> str:
    """`amount` rounded to the currency and formatted for the language ("$1,234.50",
    "1.234,50 €", "1 234,50 €")."""
    return money_formatter(currency, language or translation.get_language() or "en")(amount)


# --- numbers -------------------------------------------------------------------------------------


def format_number(value: Decimal | int | float, language: str | None = None) -> str:
    """A quantity as written in the language, with its own decimals ("1.234,5")."""
    number = Decimal(value).normalize() if isinstance(value, Decimal) else value
    return str(format_decimal(number, locale=_locale(language), numbering_system=NUMBERING))


def format_percent_of(value: Decimal | int | float, language: str | None = None) -> str:
    """A percentage given in per cent (19 → "19 %" in German, "19%" in English)."""
    fraction = Decimal(str(value)) / 100
    return str(
        format_percent(
            fraction,
            locale=_locale(language),
            decimal_quantization=False,
            numbering_system=NUMBERING,
        )
    )


# --- dates ---------------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _day(value: datetime.date, locale: Locale) -> str:
    return str(babel_date(value, "medium", locale=locale))


def format_date(value: datetime.date, language: str | None = None) -> str:
    """A day the same way on pages, emails and PDFs ("Dec 4, 2026", "04.12.2026", "4 déc. 2026").
    A date-time is first moved to the current time zone."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return _day(value, _locale(language))


def format_datetime(
    value: datetime.datetime,
    language: str | None = None,
    zone: zoneinfo.ZoneInfo | None = None,
) -> str:
    """A moment in the organisation's time zone: the medium date and the short time, joined as
    the language joins them ("Dec 4, 2026, 3:30 PM", "04.12.2026, 15:30")."""
    if timezone.is_aware(value):
        value = value.astimezone(zone) if zone is not None else timezone.localtime(value)
    locale = _locale(language)
    time = babel_time(value.time(), "short", locale=locale)
    pattern = str(locale.datetime_formats["medium"])
    return pattern.replace("{1}", _day(value.date(), locale)).replace("{0}", str(time))


# --- countries -----------------------------------------------------------------------------------


def country_name(country: object, language: str | None = None) -> str:
    """A country's name (a `CountryField`'s value or a code) in the reader's language; "" for
    none. django-countries looks a name up through the translation machinery each time (about
    0.02 ms, twice on the portal's home): each language's name of a code is looked up once."""
    code = str(getattr(country, "code", country) or "")
    if not code:
        return ""
    return _country_name(code, language or translation.get_language())


@lru_cache(maxsize=4096)
def _country_name(code: str, language: str | None) -> str:
    with translation.override(language):
        return str(countries.name(code))
