"""The few rows the ground floor keeps: background work that finally failed, the workers' heartbeats
and the periods the scheduler has already queued (once cluster-wide)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class FailedTask(models.Model):
    """A task that used up its attempts (or was refused for good): what, why, when.

    `organisation_id` is the organisation the work was for, when the task can tell; the back
    office shows a row to that organisation's staff, and rows without one to superusers only.
    """

    result_id = models.CharField(max_length=64, unique=True, editable=False)
    task_path = models.CharField(_("task"), max_length=200)
    args_kwargs = models.JSONField(default=dict)
    organisation_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=1)
    error = models.CharField(_("error"), max_length=200)
    message = models.TextField(_("why"), blank=True)
    traceback = models.TextField(blank=True)
    failed_at = models.DateTimeField(_("failed at"), auto_now_add=True)
    retried_at = models.DateTimeField(_("retried at"), null=True, blank=True)

    class Meta:
        ordering = ["-failed_at", "-id"]
        verbose_name = _("failed task")
        verbose_name_plural = _("failed tasks")

    def __str__(self) -> str:
        return f"{self.task_name}: {self.error}"

    @property
    def task_name(self) -> str:
        return self.task_path.rsplit(".", 1)[-1].replace("_", " ")


class WorkerHeartbeat(models.Model):
    """A database-queue worker says it is alive; a RUNNING task whose worker fell silent for
    longer than the lease is handed to another worker."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.worker_id


class ScheduledRun(models.Model):
    """One row per periodic job and period: the scheduler that inserts it queues the job; every
    other scheduler in the cluster finds the row and does not."""

    job = models.CharField(max_length=100)
    period = models.CharField(max_length=40)
    queued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "period"], name="scheduled_run_once_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.job}@{self.period}"
