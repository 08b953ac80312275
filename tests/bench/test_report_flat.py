"""The flatness table (issue 18): each page at 5,000 and 50,000 invoices, and whether it grew
by more than 20 %; measured side by side in one run when the bench is given both sizes."""

from __future__ import annotations

from typing import Any

from bench.report import history


def size(home_ms: float, **extra: Any) -> dict[str, Any]:
    return {
        "pages": [
            {"label": "Home", "big": {"median_ms": home_ms, "cpu_median_ms": home_ms, "queries": 3}}
        ],
        **extra,
    }


def test_sizes_measured_side_by_side_say_so() -> None:
    together = {"rounds": 4, "requests": 10}
    out: list[str] = []
    history(
        {5000: size(4.0, side_by_side=together), 50000: size(4.4, side_by_side=together)},
        "postgres",
        out,
    )
    text = "\n".join(out)
    assert "| Home | 3 | 3 | 4.0 | 4.4 |" in text and "+10% ✓" in text
    assert "side by side in this run" in text and "4 rounds" in text
    assert "straight away in the other (which goes first alternates)" in text


def test_sizes_from_separate_runs_name_their_runs() -> None:
    out: list[str] = []
    history({5000: size(4.0, commit="abc"), 50000: size(5.0, commit="def")}, "sqlite", out)
    text = "\n".join(out)
    assert "+25% ✗" in text and "commit abc" in text and "separate runs" in text
