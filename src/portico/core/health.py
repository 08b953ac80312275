"""What `/readyz` checks: every engine a request or a task needs, each answered in a word."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

logger = logging.getLogger(__name__)

_migrated = False


def check_database() -> str:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def check_migrations() -> str:
    """Every migration applied (remembered once true: only a deploy can change it)."""
    global _migrated
    if not _migrated:
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            return "pending"
        _migrated = True
    return "ok"


def check_cache() -> str:
    cache.set("portico:readyz", "ok", 10)
    return "ok" if cache.get("portico:readyz") == "ok" else "unreadable"


def check_queue() -> str:
    if settings.TASKS_BACKEND == "rq":
        import django_rq

        django_rq.get_connection("default").ping()
        return "ok"
    if settings.TASKS_BACKEND == "database":
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.filter(pk__isnull=True).exists()
    return "ok"


def check_storage() -> str:
    bucket = getattr(default_storage, "bucket_name", None)
    if bucket:
        # S3: a missing bucket or refused credentials raise here (a missing key would not).
        default_storage.connection.meta.client.head_bucket(Bucket=bucket)  # type: ignore[attr-defined]
        return "ok"
    default_storage.exists("readyz-probe")
    return "ok"


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "migrations": check_migrations,
    "cache": check_cache,
    "queue": check_queue,
    "storage": check_storage,
}


def readiness() -> tuple[bool, dict[str, str]]:
    """Run every check; answers (all ok, {check: "ok" or why not})."""
    answers: dict[str, str] = {}
    needs_database = {"migrations"} | ({"queue"} if settings.TASKS_BACKEND == "database" else set())
    for name, check in CHECKS.items():
        if name in needs_database and answers.get("database", "ok") != "ok":
            answers[name] = "unavailable: database"
            continue
        try:
            answers[name] = check()
        except Exception as exc:  # a dependency down is an answer, not an error
            logger.warning("readiness check %s failed: %s", name, exc)
            answers[name] = f"unavailable: {type(exc).__name__}"
    return all(value == "ok" for value in answers.values()), answers
