"""Background work that talks to the outside world (mail servers, webhooks, gateways, PDFs).

`@retrying(...)` turns a function into a task that, when it raises, queues itself again later —
exponential backoff, a limit on attempts — and, when the last attempt fails (or the task raises
`PermanentFailure`), records a `FailedTask` once and fires `task_failed` once, so the business
sees what failed, why and when, and can retry it from the back office. The attempt travels as the
`retry_attempt` keyword, so it works the same on the database queue and on RQ. The wrapped
function must be safe to run twice: a retry, a lost worker or "retry now" may run it again.
"""

from __future__ import annotations

import logging
import traceback as tb
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task
from django_tasks.base import Task, TaskContext

from portico.core.hooks import Hook
from portico.core.models import FailedTask

logger = logging.getLogger(__name__)

ATTEMPT = "retry_attempt"
"""The keyword that carries the attempt number (1 for the first run)."""

task_failed: Hook[FailedTask] = Hook("task_failed")
"""Fired once per task that finally failed (activity turns it into a notification)."""

Attribution = Callable[..., "int | None"]
"""From a task's arguments, the id of the organisation the work is for (None: global)."""


class PermanentFailure(Exception):
    """Raised by a task when trying again cannot help (a deleted row, a refused address)."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    backoff_seconds: float = 30.0
    max_delay_seconds: float = 3600.0
    organisation: Attribution | None = None

    def delay(self, attempt: int) -> timedelta:
        """How long to wait after attempt number `attempt` failed: backoff, 2×, 4×… capped."""
        seconds = min(self.max_delay_seconds, self.backoff_seconds * 2 ** (attempt - 1))
        return timedelta(seconds=seconds * float(getattr(settings, "TASKS_BACKOFF_SCALE", 1.0)))


_policies: dict[str, RetryPolicy] = {}


def policy_of(task_path: str) -> RetryPolicy | None:
    """The retry policy of the task at `task_path`, or None for a task that does not retry."""
    return _policies.get(task_path)


def retrying(
    *,
    attempts: int = 5,
    backoff_seconds: float = 30.0,
    max_delay_seconds: float = 3600.0,
    organisation: Attribution | None = None,
    **task_options: Any,
) -> Callable[[Callable[..., Any]], Task[Any, Any]]:
    """Decorate a module-level function as a task that retries with backoff (see module doc)."""
    policy = RetryPolicy(attempts, backoff_seconds, max_delay_seconds, organisation)

    def decorate(func: Callable[..., Any]) -> Task[Any, Any]:
        def run(context: TaskContext, *args: Any, **kwargs: Any) -> Any:
            attempt = int(kwargs.pop(ATTEMPT, 1))
            try:
                return func(*args, **kwargs)
            except Exception as exc:
                _after_failure(
                    wrapped,
                    policy,
                    result_id=str(context.task_result.id),
                    args=list(args),
                    kwargs=kwargs,
                    attempt=attempt,
                    exc=exc,
                )
                raise

        # The task is found again by the wrapped function's dotted path (not functools.wraps:
        # the backend must see `run`'s own signature, which takes the context first).
        for attribute in ("__module__", "__name__", "__qualname__", "__doc__"):
            setattr(run, attribute, getattr(func, attribute))
        wrapped: Task[Any, Any] = task(takes_context=True, **task_options)(run)
        _policies[wrapped.module_path] = policy
        return wrapped

    return decorate


def _after_failure(
    job: Task[Any, Any],
    policy: RetryPolicy,
    *,
    result_id: str,
    args: list[Any],
    kwargs: dict[str, Any],
    attempt: int,
    exc: Exception,
) -> None:
    if attempt < policy.attempts and not isinstance(exc, PermanentFailure):
        delay = policy.delay(attempt)
        logger.warning(
            "%s failed (attempt %d of %d, %s); trying again in %ss",
            job.name,
            attempt,
            policy.attempts,
            type(exc).__name__,
            int(delay.total_seconds()),
        )
        again = job
        if job.get_backend().supports_defer:
            again = job.using(run_after=timezone.now() + delay)
        again.enqueue(*args, **{**kwargs, ATTEMPT: attempt + 1})
        return
    failed_task_record(
        result_id=result_id,
        task_path=job.module_path,
        args=args,
        kwargs=kwargs,
        attempts=attempt,
        exc=exc,
    )


def failed_task_record(
    *,
    result_id: str,
    task_path: str,
    args: list[Any],
    kwargs: dict[str, Any],
    attempts: int,
    exc: BaseException | None = None,
    error: str = "",
    message: str = "",
) -> FailedTask | None:
    """Record that a task finally failed and fire `task_failed`, once per task result.

    Answers the new row, or None when this result was already recorded (a task run twice).
    """
    policy = policy_of(task_path)
    organisation_id = None
    if policy is not None and policy.organisation is not None:
        try:
            organisation_id = policy.organisation(*args, **kwargs)
        except Exception:  # attribution is best effort: a global row is still shown to superusers
            logger.exception("could not tell which organisation %s was for", task_path)
    if exc is not None:
        error = f"{type(exc).__module__}.{type(exc).__qualname__}"
        message = str(exc)
    failed = FailedTask(
        result_id=result_id[:64],
        task_path=task_path[:200],
        args_kwargs={"args": args, "kwargs": {k: v for k, v in kwargs.items() if k != ATTEMPT}},
        organisation_id=organisation_id,
        attempts=attempts,
        error=error[:200],
        message=message[:2000],
        traceback="".join(tb.format_exception(exc)) if exc is not None else "",
    )
    try:
        with transaction.atomic():
            failed.save()
            task_failed(failed)
    except IntegrityError:
        if FailedTask.objects.filter(result_id=failed.result_id).exists():
            return None
        raise
    logger.error("%s failed for good after %d attempt(s): %s", task_path, attempts, error)
    return failed


class NotATask(Exception):
    pass


@transaction.atomic
def failed_task_retry(*, failed: FailedTask) -> bool:
    """ "Retry now": queue the task again from its first attempt. Answers False when it was
    already retried (a double click) — the row is locked so two clicks queue it once."""
    row = FailedTask.objects.select_for_update().get(pk=failed.pk)
    if row.retried_at is not None:
        return False
    job = import_string(row.task_path)
    if not isinstance(job, Task):
        raise NotATask(row.task_path)
    payload = row.args_kwargs or {}
    args = list(payload.get("args", []))
    kwargs = dict(payload.get("kwargs", {}))
    row.retried_at = timezone.now()
    row.save(update_fields=["retried_at"])
    transaction.on_commit(lambda: job.enqueue(*args, **kwargs))
    failed.retried_at = row.retried_at
    return True
