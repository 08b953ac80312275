"""The database-queue worker outlives its workers and its database: a task whose worker died is
run again once the lease expires, and a database outage is waited out, not fatal."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db.utils import OperationalError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, DBTaskResultQuerySet

from portico.activity import tasks as mail_tasks
from portico.core import scheduled, workers
from portico.core.models import FailedTask, ScheduledRun, WorkerHeartbeat

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _database_queue(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def worker(sleeps: list[float] | None = None, worker_id: str = "live") -> workers.DatabaseWorker:
    return workers.DatabaseWorker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
        lease_seconds=60,
        sleep=(sleeps.append if sleeps is not None else lambda seconds: None),
    )


def email_killed_mid_job(*, started_minutes_ago: int, workers_lost: int = 1) -> DBTaskResult:
    """An email task claimed by a worker that was then killed (SIGKILL: nothing cleaned up)."""
    mail_tasks.send_email.enqueue(
        {"to": ["a@example.com"], "subject": "Receipt", "text": "x", "key": "k-1"}
    )
    row = DBTaskResult.objects.get()
    DBTaskResult.objects.filter(pk=row.pk).update(
        status="RUNNING",
        started_at=timezone.now() - timedelta(minutes=started_minutes_ago),
        worker_ids=[f"dead-{n}" for n in range(workers_lost)],
    )
    return DBTaskResult.objects.get(pk=row.pk)


def test_a_task_whose_worker_died_is_run_again_after_the_lease() -> None:
    # given an email whose worker was killed five minutes ago
    row = email_killed_mid_job(started_minutes_ago=5)

    # when a live worker looks for abandoned work and runs what is ready
    requeued = workers.requeue_abandoned(lease_seconds=60)
    worker().run_resilient()

    # then the email went out once
    assert requeued == [str(row.pk)]
    assert len(mail.outbox) == 1
    assert DBTaskResult.objects.get(pk=row.pk).status == "SUCCESSFUL"


def test_a_task_within_its_lease_or_with_a_live_worker_is_left_alone() -> None:
    email_killed_mid_job(started_minutes_ago=0)
    assert workers.requeue_abandoned(lease_seconds=60) == []

    DBTaskResult.objects.update(started_at=timezone.now() - timedelta(minutes=5))
    WorkerHeartbeat.objects.create(worker_id="dead-0", seen_at=timezone.now())
    assert workers.requeue_abandoned(lease_seconds=60) == []
    assert DBTaskResult.objects.get().status == "RUNNING"


def test_a_task_that_kills_every_worker_ends_as_a_failed_task() -> None:
    row = email_killed_mid_job(started_minutes_ago=5, workers_lost=workers.MAX_CLAIMS)
    assert workers.requeue_abandoned(lease_seconds=60) == []
    assert DBTaskResult.objects.get(pk=row.pk).status == "FAILED"
    failed = FailedTask.objects.get()
    assert failed.error == "portico.core.workers.WorkerLost"
    assert failed.task_path == "portico.activity.tasks.send_email"


def test_the_worker_sends_heartbeats() -> None:
    live = worker(worker_id="w-1")
    live.maintain()
    assert WorkerHeartbeat.objects.filter(worker_id="w-1").exists()


def test_the_worker_waits_out_a_database_outage_and_carries_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given a queued email and a database that refuses the next three connections
    mail_tasks.send_email.enqueue({"to": ["a@example.com"], "subject": "Hi", "text": "x"})
    real_get_locked = DBTaskResultQuerySet.get_locked
    refusals = {"left": 3}

    def flaky_get_locked(self: DBTaskResultQuerySet) -> Any:
        if refusals["left"]:
            refusals["left"] -= 1
            raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")
        return real_get_locked(self)

    monkeypatch.setattr(DBTaskResultQuerySet, "get_locked", flaky_get_locked)
    sleeps: list[float] = []

    # when the worker runs
    worker(sleeps).run_resilient()

    # then it waited with growing pauses, reconnected and delivered the email
    assert sleeps == [1.0, 2.0, 4.0]
    assert len(mail.outbox) == 1


def test_the_task_interrupted_by_an_outage_is_put_back_by_its_own_worker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given the database goes away while an email is being recorded as sent
    mail_tasks.send_email.enqueue(
        {"to": ["a@example.com"], "subject": "Hi", "text": "x", "key": "k-2"}
    )
    real = DBTaskResult.set_successful
    outage = {"left": 1}

    def lost_on_save(self: DBTaskResult, value: Any) -> None:
        if outage["left"]:
            outage["left"] -= 1
            raise OperationalError("server closed the connection unexpectedly")
        real(self, value)

    def failed_too(self: DBTaskResult, exc: BaseException) -> None:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(DBTaskResult, "set_successful", lost_on_save)
    monkeypatch.setattr(DBTaskResult, "set_failed", failed_too)

    # when the worker recovers
    worker().run_resilient()

    # then the task ran again and the email, already delivered, was not sent twice
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert len(mail.outbox) == 1


def test_a_bug_stops_the_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: DBTaskResultQuerySet) -> Any:
        raise TypeError("a bug")

    monkeypatch.setattr(DBTaskResultQuerySet, "get_locked", broken)
    with pytest.raises(TypeError):
        worker().run_resilient()


def test_two_schedulers_queue_each_period_once() -> None:
    queued: list[str] = []
    monkey_jobs = {"count_me": lambda day: queued.append(day.isoformat())}
    saved = dict(scheduled._jobs)
    scheduled._jobs.clear()
    scheduled._jobs.update(monkey_jobs)
    try:
        first = scheduled.scheduled_enqueue(once_per=300)
        second = scheduled.scheduled_enqueue(once_per=300)
    finally:
        scheduled._jobs.clear()
        scheduled._jobs.update(saved)
    assert first == ["count_me"]
    assert second == []
    assert len(queued) == 1
    assert ScheduledRun.objects.count() == 1


def test_a_failed_enqueue_leaves_the_period_to_the_next_round() -> None:
    def down(day: Any) -> None:
        raise OperationalError("queue unreachable")

    saved = dict(scheduled._jobs)
    scheduled._jobs.clear()
    scheduled._jobs["down"] = down
    try:
        with pytest.raises(OperationalError):
            scheduled.scheduled_enqueue(once_per=300)
    finally:
        scheduled._jobs.clear()
        scheduled._jobs.update(saved)
    assert not ScheduledRun.objects.exists()


class AbandonedJob:
    """The parts of an RQ job that the abandoned-job handling reads and writes."""

    def __init__(self) -> None:
        self.id = "job-1"
        self.func_name = "portico.activity.tasks.send_email"
        self.args = [{"to": ["a@example.com"], "subject": "Hi", "text": "x", "key": "k-9"}]
        self.kwargs: dict[str, Any] = {}
        self.meta: dict[str, Any] = {}
        self.retries_left: int | None = None
        self.retry_intervals: list[int] | None = [60]


def test_an_rq_job_abandoned_by_its_worker_runs_again_then_counts_as_failed() -> None:
    from rq.exceptions import AbandonedJobError

    job = AbandonedJob()
    for _ in range(workers.MAX_CLAIMS - 1):
        job.retries_left = None
        workers.abandoned_job_requeue(job, AbandonedJobError, AbandonedJobError(), None)
        # RQ's registry cleanup retries a job that has retries left, at once
        assert (job.retries_left, job.retry_intervals) == (1, None)
    assert not FailedTask.objects.exists()

    job.retries_left = None
    workers.abandoned_job_requeue(job, AbandonedJobError, AbandonedJobError(), None)
    assert job.retries_left is None
    failed = FailedTask.objects.get()
    assert failed.error == "portico.core.workers.WorkerLost"


def test_other_rq_failures_are_left_to_the_retry_policy() -> None:
    job = AbandonedJob()
    workers.abandoned_job_requeue(job, ValueError, ValueError("boom"), None)
    assert job.retries_left is None
    assert job.meta == {}
