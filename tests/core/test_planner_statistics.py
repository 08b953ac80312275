"""The planner's statistics job: SQLite answers from the right index once they exist."""

from __future__ import annotations

import pytest
from django.db import connection

from portico.core import scheduled, tasks

pytestmark = pytest.mark.django_db


def test_the_daily_job_is_registered() -> None:
    assert "planner statistics" in scheduled.registered()


def test_the_job_writes_the_statistics() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's autovacuum keeps its own")
    tasks.planner_statistics.call()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        assert cursor.fetchone() == (1,)
