"""The workers behind `portico worker`, one per task backend, each built to outlive its engine.

Database queue: django-tasks-db's worker, plus a heartbeat row per worker and a lease — a RUNNING
task whose worker has been silent for longer than the lease goes back to READY (a killed worker's
email is sent by another), and after `MAX_CLAIMS` lost workers it is recorded as failed. The loop
survives the database going away: it waits with backoff, reconnects, puts back the task it was
running and carries on.

RQ: RQ's own worker with its scheduler (delayed jobs, retries) and its abandoned-job handling
(a job whose worker stopped heartbeating), which `abandoned_job_requeue` turns into a retry of
the same job, up to `MAX_CLAIMS`. The loop survives Redis going away the same way.

Both exit normally when stopped, and raise — a non-zero exit — only on anything else: a bug.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from types import TracebackType
from typing import Any

from django.db import close_old_connections, connections
from django.db.utils import InterfaceError, OperationalError
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from portico.core import jobs
from portico.core.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

MAX_CLAIMS = 5
"""How many workers may die running one task before it counts as failed."""

DATABASE_ERRORS = (OperationalError, InterfaceError)


class WorkerLost(Exception):
    """The worker running a task stopped (killed, out of memory, machine gone)."""


def _close_connections() -> None:
    for connection in connections.all(initialized_only=True):
        with contextlib.suppress(OperationalError, InterfaceError):
            connection.close()


class Backoff:
    """1 s, 2 s, 4 s… up to `ceiling`; back to the start once things ran well for a while."""

    def __init__(self, *, ceiling: float = 30.0, sleep: Callable[[float], None] = time.sleep):
        self.ceiling = ceiling
        self.sleep = sleep
        self.delay = 1.0
        self.since = time.monotonic()

    def wait(self) -> float:
        if time.monotonic() - self.since > 2 * self.ceiling:
            self.delay = 1.0
        waited = self.delay
        self.sleep(waited)
        self.delay = min(self.ceiling, self.delay * 2)
        self.since = time.monotonic()
        return waited


# --- the database queue ------------------------------------------------------------------------


def heartbeat(worker_id: str) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id, defaults={"seen_at": timezone.now()}
    )


def _payload(row: DBTaskResult) -> tuple[list[Any], dict[str, Any]]:
    data = row.args_kwargs or {}
    return list(data.get("args", [])), dict(data.get("kwargs", {}))


def requeue_abandoned(*, lease_seconds: float, max_claims: int = MAX_CLAIMS) -> list[str]:
    """Put back every RUNNING task started longer than the lease ago whose worker has not sent
    a heartbeat within the lease; a task that lost `max_claims` workers is failed and recorded.
    Answers the ids put back. Safe beside other workers doing the same (compare-and-set)."""
    now = timezone.now()
    cutoff = now - timedelta(seconds=lease_seconds)
    alive = set(
        WorkerHeartbeat.objects.filter(seen_at__gte=cutoff).values_list("worker_id", flat=True)
    )
    requeued = []
    for row in DBTaskResult.objects.running().filter(started_at__lt=cutoff):
        last = row.worker_ids[-1] if row.worker_ids else None
        if last in alive:
            continue
        same = DBTaskResult.objects.filter(pk=row.pk, status="RUNNING", started_at=row.started_at)
        if len(row.worker_ids) >= max_claims:
            if same.update(
                status="FAILED",
                finished_at=now,
                exception_class_path=f"{__name__}.WorkerLost",
                traceback=f"{len(row.worker_ids)} workers stopped while running this task",
            ):
                args, kwargs = _payload(row)
                jobs.failed_task_record(
                    result_id=str(row.pk),
                    task_path=row.task_path,
                    args=args,
                    kwargs=kwargs,
                    attempts=int(kwargs.get(jobs.ATTEMPT, 1)),
                    error=f"{__name__}.WorkerLost",
                    message=f"{len(row.worker_ids)} workers stopped while running this task",
                )
            continue
        if same.update(status="READY", started_at=None):
            logger.warning("task %s (%s) lost its worker; queued again", row.pk, row.task_path)
            requeued.append(str(row.pk))
    WorkerHeartbeat.objects.filter(seen_at__lt=now - timedelta(days=1)).delete()
    return requeued


def requeue_own(worker_id: str) -> int:
    """After an outage: the task this worker was running when the database went away."""
    mine = [
        row.pk
        for row in DBTaskResult.objects.running().only("pk", "worker_ids")
        if row.worker_ids and row.worker_ids[-1] == worker_id
    ]
    return (
        DBTaskResult.objects.running().filter(pk__in=mine).update(status="READY", started_at=None)
    )


class DatabaseWorker(Worker):
    """django-tasks-db's worker with a heartbeat, the lease and reconnection."""

    def __init__(
        self,
        *,
        lease_seconds: float = 300.0,
        heartbeat_seconds: float = 10.0,
        sleep: Callable[[float], None] = time.sleep,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.lease_seconds = lease_seconds
        self.heartbeat_seconds = heartbeat_seconds
        self.backoff = Backoff(sleep=sleep)
        self._stop = threading.Event()

    def start_maintenance(self) -> threading.Event:
        """Heartbeat every `heartbeat_seconds` and look for abandoned tasks, in a daemon thread;
        a round that fails (database down) is logged and the next one tries again."""

        def run() -> None:
            while not self._stop.is_set():
                self.maintain()
                self._stop.wait(self.heartbeat_seconds)

        threading.Thread(target=run, name="portico-worker-lease", daemon=True).start()
        return self._stop

    def maintain(self) -> None:
        try:
            heartbeat(self.worker_id)
            requeue_abandoned(lease_seconds=self.lease_seconds)
        except DATABASE_ERRORS as exc:
            logger.warning("worker heartbeat failed (%s); trying again", exc)
        except Exception:
            logger.exception("worker maintenance failed")
        finally:
            close_old_connections()

    def run_resilient(self) -> None:
        """`run`, again and again through database outages, until stopped or done."""
        while True:
            try:
                self.run()
                return
            except DATABASE_ERRORS as exc:
                _close_connections()
                if not self.running:
                    return
                waited = self.backoff.wait()
                logger.warning("database unreachable (%s); tried again after %.0fs", exc, waited)
                try:
                    if requeue_own(self.worker_id):
                        logger.warning("the interrupted task was queued again")
                except DATABASE_ERRORS:
                    _close_connections()


# --- RQ --------------------------------------------------------------------------------------


def _run_again_or_record(job: Any, why: str) -> None:
    """A job that lost its worker runs again (RQ's own retry of the same job), once per lost
    worker up to `MAX_CLAIMS`; after that it is recorded as a failed task."""
    lost = int(job.meta.get("portico_lost_workers", 0)) + 1
    job.meta["portico_lost_workers"] = lost
    if lost < MAX_CLAIMS:
        logger.warning("job %s (%s) %s; queued again", job.id, job.func_name, why)
        job.retries_left = 1
        job.retry_intervals = None
        return
    jobs.failed_task_record(
        result_id=str(job.id),
        task_path=str(job.func_name),
        args=list(job.args),
        kwargs=dict(job.kwargs),
        attempts=int(job.kwargs.get(jobs.ATTEMPT, 1)),
        error=f"{__name__}.WorkerLost",
        message=f"{lost} workers stopped while running this job ({why})",
    )


def abandoned_job_requeue(
    job: Any, exc_type: type[BaseException], exc_value: BaseException, tb: TracebackType | None
) -> bool:
    """RQ exception handler: a job abandoned by its worker (killed mid-job: its heartbeat
    stopped) runs again."""
    from rq.exceptions import AbandonedJobError

    if isinstance(exc_value, AbandonedJobError):
        _run_again_or_record(job, "lost its worker")
    return True


def _rq_worker_class() -> type[Any]:
    from rq.worker import Worker as RQWorker

    class PorticoRQWorker(RQWorker):
        """RQ's worker; a job a worker took from the queue but never started (Redis or the
        worker went away in between) runs again instead of being failed."""

        def handle_job_failure(self, job: Any, queue: Any, *args: Any, **kwargs: Any) -> Any:
            if "intermediate queue" in str(kwargs.get("exc_string", "")):
                _run_again_or_record(job, "was taken from the queue but never started")
            return super().handle_job_failure(job, queue, *args, **kwargs)

    return PorticoRQWorker


def run_rq_worker(
    *,
    queues: list[str],
    burst: bool = False,
    maintenance_seconds: int = 60,
    monitoring_seconds: int = 30,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """An RQ worker with its scheduler, restarted with backoff while Redis is unreachable."""
    import django_rq
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    backoff = Backoff(sleep=sleep)
    while True:
        try:
            worker = django_rq.get_worker(
                *queues,
                job_class="django_tasks_rq.backend.Job",
                worker_class=_rq_worker_class(),
                maintenance_interval=maintenance_seconds,
                # A killed worker's job counts as abandoned this long + 60 s after its last beat.
                job_monitoring_interval=monitoring_seconds,
            )
            worker.push_exc_handler(abandoned_job_requeue)
            worker.work(burst=burst, with_scheduler=True)
            return
        except (RedisConnectionError, RedisTimeoutError) as exc:
            waited = backoff.wait()
            logger.warning("Redis unreachable (%s); tried again after %.0fs", exc, waited)
        except DATABASE_ERRORS as exc:
            _close_connections()
            waited = backoff.wait()
            logger.warning("database unreachable (%s); tried again after %.0fs", exc, waited)
