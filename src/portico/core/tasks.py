"""The query planner's statistics.

PostgreSQL's autovacuum keeps them. SQLite keeps none until asked: without them it weighs an
index by its columns alone and may, for one invoice's payments, walk every payment of the
customer (a big customer's history) instead of the invoice's few allocations. A daily job keeps
them current; `seed-scale` refreshes them after its bulk load.
"""

from __future__ import annotations

import datetime

from django.db import connection
from django_tasks import task

SAMPLE_ROWS = 1000
"""Rows SQLite samples per index (`PRAGMA analysis_limit`): a fraction of a second at any size."""


def planner_statistics_refresh() -> None:
    """Bring the planner's statistics up to date (every table; safe to run any time)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA analysis_limit={SAMPLE_ROWS}")
        cursor.execute("ANALYZE")


@task()
def planner_statistics() -> None:
    """The daily job on SQLite (PostgreSQL's own autovacuum analyses its tables)."""
    if connection.vendor == "sqlite":
        planner_statistics_refresh()


def planner_statistics_enqueue(day: datetime.date) -> None:
    """The periodic job (`portico.core.scheduled`)."""
    planner_statistics.enqueue()
