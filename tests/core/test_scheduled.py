"""The worker's scheduler queues the periodic jobs now and again, and survives a failed round."""

from __future__ import annotations

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
