"""docs/benchmarks.md opens each database with issue 18's targets: the issue's figure before,
this run's after, and whether the target is met."""

from __future__ import annotations

from typing import Any

from bench.scorecard import scorecard


def page(label: str, median: float, queries: int = 4) -> dict[str, Any]:
    return {
        "label": label,
        "big": {"median_ms": median, "cpu_median_ms": median, "queries": queries},
    }


def a_run(**extra: Any) -> dict[str, Any]:
    pages = [page("Home", 4.0), page("Invoices list", 8.0)]
    return {
        "measure": {
            "pages": pages,
            "floors": [
                {"label": "Minimal logged-in page (/bench/ping)", "median_ms": 1.2},
                {"label": "Bare Django logged-in page (/bench/bare)", "median_ms": 1.0},
            ],
            "pdf": [
                {"label": "Invoice PDF, first request (fresh)", "median_ms": 60.0},
                {"label": "Statement PDF request, last 90 days (queued)", "median_ms": 6.0},
            ],
            "writes": [{"label": "Accept an estimate", "median_ms": 16.0, "queries": 9}],
        },
        "http": {
            "pages": [
                {"label": "Minimal logged-in page (/bench/ping)", "rps": 800.0},
                {"label": "Home", "rps": 480.0},
                {"label": "Invoices list", "rps": 240.0},
            ]
        },
        **extra,
    }


def rows(run: dict[str, Any]) -> dict[str, str]:
    out: list[str] = []
    scorecard(run, out)
    return {
        line.split(" | ")[0][2:]: line for line in out if line.startswith("| ") and " | " in line
    }


def test_each_target_is_judged_with_the_issues_figure_beside_it() -> None:
    found = rows(a_run())
    assert found["Home ≤ 5 ms in-process (median)"].endswith("| ✓ |")
    assert found["Invoices list ≤ 7 ms in-process (median)"].endswith("| ✗ |")
    assert "(1.20×)" in found["`/bench/ping` within 1.5× of a bare Django logged-in page"]
    assert "60%" in found["Home over HTTP ≥ 50% of `/bench/ping` (gunicorn sync)"]
    assert found["Invoices list over HTTP ≥ 40% of `/bench/ping` (gunicorn sync)"].endswith("✗ |")
    assert "3.3–5.3 s" in found["No PDF request holds a worker > 1 s (a 16-page statement)"]
    assert found["Accept an estimate ≤ 15 ms in-process"].endswith("| ✗ |")


def test_flatness_names_the_pages_that_grew() -> None:
    history = {
        5000: {"pages": [page("Home", 4.0), page("Invoices list", 6.0)]},
        50000: {"pages": [page("Home", 5.0), page("Invoices list", 6.2)]},
    }
    found = rows(a_run(history=history))
    flat = found["Each page's median grows ≤ 20 % from 5,000 to 50,000 invoices, same queries"]
    assert "1 of 2 pages within +20 % (not: Home +25%)" in flat and flat.endswith("| ✗ |")


def test_a_pages_share_of_the_minimal_page_is_taken_round_by_round() -> None:
    from bench.scorecard import ratio

    # given three rounds in which the shared machine was fast, slow, then in between
    ping = {"rps": 500.0, "rounds": [800.0, 400.0, 500.0]}
    home = {"rps": 300.0, "rounds": [400.0, 200.0, 300.0]}

    # then the share is the median of each round's own ratio (0.5, 0.5, 0.6), not the ratio
    # of the median runs (300 of 500)
    assert ratio(home, ping) == 0.5
    assert ratio({"rps": 240.0}, {"rps": 800.0}) == 0.3  # a run without rounds
