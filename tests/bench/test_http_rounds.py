"""The bench loads each page over HTTP in alternating rounds and keeps the median run
(issue 18: the median of alternating runs), with every round's figure beside it."""

from __future__ import annotations

from bench.run import median_run


def test_the_median_run_is_kept_with_every_rounds_figure() -> None:
    runs = [
        {"label": "Home", "rps": 300.0, "p50_ms": 20.0},
        {"label": "Home", "rps": 120.0, "p50_ms": 60.0},
        {"label": "Home", "rps": 280.0, "p50_ms": 22.0},
    ]
    kept = median_run(runs)
    assert (kept["rps"], kept["p50_ms"]) == (280.0, 22.0)
    assert kept["rounds"] == [300.0, 120.0, 280.0]
