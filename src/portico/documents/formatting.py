"""Dates for long documents: each distinct date is formatted by Babel once per locale."""

from __future__ import annotations

import datetime
from functools import lru_cache

from babel.dates import format_date


@lru_cache(maxsize=4096)
def day(value: datetime.date, locale: str) -> str:
    return str(format_date(value, "medium", locale=locale))
