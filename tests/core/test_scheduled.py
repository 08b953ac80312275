"""The periodic jobs registry, and the worker's scheduler that queues them now and again and
survives a failed round."""

from __future__ import annotations

import datetime
import threading
from typing import Any

import pytest

from portico.core import scheduled


def test_the_workers_scheduler_queues_the_jobs_now_and_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rounds = threading.Semaphore(0)

    def count(**kwargs: Any) -> list[str]:
        rounds.release()
        return []

    monkeypatch.setattr(scheduled, "scheduled_enqueue", count)
    monkeypatch.setattr(scheduled, "close_old_connections", lambda: None)
    stop = scheduled.scheduler_start(every_seconds=0.01)
    try:
        assert all(rounds.acquire(timeout=5) for _ in range(3))
    finally:
        stop.set()


def test_a_failed_round_is_logged_and_the_next_one_runs(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    calls = threading.Semaphore(0)

    def fail(**kwargs: Any) -> list[str]:
        calls.release()
        raise RuntimeError("database is down")

    monkeypatch.setattr(scheduled, "scheduled_enqueue", fail)
    monkeypatch.setattr(scheduled, "close_old_connections", lambda: None)
    stop = scheduled.scheduler_start(every_seconds=0.01)
    try:
        assert calls.acquire(timeout=5) and calls.acquire(timeout=5)
    finally:
        stop.set()
    assert "queueing the periodic jobs failed" in caplog.text


def test_the_apps_register_their_periodic_jobs_in_order() -> None:
    assert scheduled.registered() == [
        "planner statistics",
        "recurring invoices",
        "estimate expiry",
        "checkout reconciliation",
        "payment reminders",
        "audit trail retention",
        "webhook retries",
        "unconfirmed import files",
        "API idempotency keys",
    ]


def test_queueing_runs_every_registered_job_for_the_day_and_answers_their_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given two jobs registered in a fresh registry
    monkeypatch.setattr(scheduled, "_jobs", {})
    days: list[tuple[str, datetime.date]] = []
    scheduled.register("first", lambda day: days.append(("first", day)))
    scheduled.register("second", lambda day: days.append(("second", day)))
    # when
    names = scheduled.scheduled_enqueue(today=datetime.date(2026, 3, 2))
    # then
    assert names == ["first", "second"]
    assert days == [("first", datetime.date(2026, 3, 2)), ("second", datetime.date(2026, 3, 2))]


def test_registering_a_name_again_replaces_its_job_in_place(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(scheduled, "_jobs", {})
    calls: list[str] = []
    scheduled.register("first", lambda day: calls.append("old"))
    scheduled.register("second", lambda day: calls.append("second"))
    scheduled.register("first", lambda day: calls.append("new"))
    assert scheduled.scheduled_enqueue(today=datetime.date(2026, 3, 2)) == ["first", "second"]
    assert calls == ["new", "second"]
