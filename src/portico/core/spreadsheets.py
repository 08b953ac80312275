"""Cells written to files that people open in a spreadsheet (CSV, XLSX).

A text cell starting with `=`, `+`, `-` or `@` (or a tab or carriage return, which some
programs skip before reading a formula) is run as a formula by Excel, LibreOffice and
Google Sheets: a customer's name like `=HYPERLINK(...)` would become a live link or worse.
Such text is written with a leading single quote; numbers, including negative ones written
as text in a CSV, are left alone so they stay numbers.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except (InvalidOperation, ValueError):
        return False
    # Decimal also reads "NaN", "-Infinity" and padded text: no sheet takes those as numbers.
    return text.strip() == text and any(ch.isdigit() for ch in text) and "n" not in text.lower()


def neutralise(value: Any) -> Any:
    """The value as it should be written to a cell: formula-looking text gets a `'`."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _is_number(value):
        return "'" + value
    return value
