"""docs/benchmarks.md shows the writes: each write against its 15 ms budget (a miss listed with
the pages' misses), the checkouts per second with what was paid and whether every checkout was
recorded once, and the bulk portal enable."""

from __future__ import annotations

from typing import Any

from bench import report

INFO = {
    "nproc": 2,
    "cpu": "Test CPU",
    "python": "3.11",
    "kernel": "6",
    "load": (1.0, 1.0, 1.0),
    "commit": "abc1234",
    "total_seconds": 90.0,
}
COUNTS = {"invoices": 10, "payments": 5, "estimates": 2, "ledger entries": 15}


def write(label: str, median: float, **extra: Any) -> dict[str, Any]:
    return {
        "label": label,
        "ok": True,
        "statuses": {"302": 20},
        "queries": 20,
        "queries_max": 20,
        "cpu_median_ms": 8.0,
        "median_ms": median,
        "p95_ms": median + 3,
        "p99_ms": median + 4,
        "n": 20,
        "done": 20,
        **extra,
    }


def a_run(database: str, **measure: Any) -> dict[str, Any]:
    return {
        "database": database,
        "reused": True,
        "ledger_check": {"ok": True, "output": ""},
        "ledger_check_after": {"ok": True, "output": ""},
        "date": "2026-12-07T02:00",
        "load": (1.0, 1.0, 1.0),
        "http": {"skipped": "subset run"},
        "measure": {
            "data": {
                "big customer": COUNTS,
                "small customer": COUNTS,
                "organisation customers": 2000,
                "organisation invoices": 20000,
                "write sections seconds": 21.5,
            },
            "pages": [],
            "admin": [],
            "pdf": [],
            "floors": [],
            "explain": [],
            "skipped": [],
            "bulk_enable": {
                "persons": 10000,
                "enabled": 10000,
                "skipped": 0,
                "seconds": 2.4,
                "tasks_queued": 50,
            },
            **measure,
        },
    }


CHECKOUTS = {
    "payers": 50,
    "succeeded": 50,
    "failed": 0,
    "errors": [],
    "seconds": 4.0,
    "setup_seconds": 5.0,
    "per_second": 12.5,
    "latency": {"median_ms": 2000.0, "p95_ms": 3800.0, "p99_ms": 3900.0, "n": 50},
    "part": "1.00",
    "paid_total": "50.00",
    "gateway": "Sandbox (benchmark)",
    "invoices": ["INV-1", "INV-2", "INV-3", "INV-4"],
    "verified": {"ok": True, "checkouts": 50, "problems": [], "payers_checked": 50},
}


def test_a_slow_write_is_a_missed_budget_and_the_checkouts_are_reported() -> None:
    run = a_run(
        "postgres",
        writes=[write("Accept an estimate", 9.5), write("Approve a timesheet", 21.0)],
        checkouts=CHECKOUTS,
    )
    text = report.render(INFO, [run])
    missed = text.split("Missed budgets:", 1)[1].split("####", 1)[0]
    assert "Write, approve a timesheet: median 21.0 ms (> 15 ms)" in missed
    assert "accept an estimate" not in missed
    assert "| Accept an estimate | 20 × 302 | 20 | 9.5 | 12.5 | 8.0 | 20 | ✓ |" in text
    assert "**12.5 checkouts/s**: 50 of 50 payers paid in 4.0 s" in text
    assert "p99 3,900.0 ms" in text
    assert "Recorded exactly once: ✓" in text
    assert (
        "each paid 1.00 USD of one open invoice (INV-1, INV-2, INV-3 and 1 more), 50.00 USD in all"
        in text
    )
    assert "After the writes below, `portico ledger check` passed." in text
    assert "**2.4 s** (10,000 enabled" in text
    assert "took 21.5 s" in text


def test_a_checkout_not_recorded_once_is_a_missed_budget() -> None:
    verified = {"ok": False, "checkouts": 50, "problems": ["checkout x failed"]}
    run = a_run("sqlite", writes=[], checkouts={**CHECKOUTS, "verified": verified})
    text = report.render(INFO, [run])
    assert "- Checkouts: not every checkout recorded exactly once" in text
    assert "Recorded exactly once: **✗** (checkout x failed)." in text
    assert "SQLite takes one writer at a time" in text


def test_all_within_budget_says_so_for_pages_and_writes() -> None:
    run = a_run("postgres", writes=[write("Post a comment on an invoice", 12.0)], checkouts={})
    text = report.render(INFO, [run])
    assert "All measured portal pages and writes are within the query and time budgets." in text
    assert "Checkouts per second" not in text
