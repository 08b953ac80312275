from __future__ import annotations

from decimal import Decimal

import pytest

from portico.core.spreadsheets import neutralise


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        '=HYPERLINK("http://x.example","click")',
        "+44 20 7946 0000",
        "-rm",
        "@SUM(A1)",
        "\t=1",
    ],
)
def test_formula_looking_text_gets_a_quote(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize(
    "value", ["-12.50", "+3", "12", Decimal("-1.00"), 7, 2.5, None, "Acme", ""]
)
def test_numbers_and_plain_text_are_left_alone(value: object) -> None:
    assert neutralise(value) == value


@pytest.mark.parametrize("text", ["-inf", "-NaN", "-Infinity"])
def test_words_that_decimal_reads_as_numbers_are_still_text(text: str) -> None:
    assert neutralise(text) == "'" + text
