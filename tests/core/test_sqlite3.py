"""Portico's SQLite backend (core.sqlite3): Django's, with each statement's placeholders
converted once per process instead of on every execution."""

from __future__ import annotations

import pytest
from django.db import connection

from portico.core.sqlite3 import base

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite backend"),
]


def run(sql: str, *params: object) -> list[tuple[object, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def test_the_embedded_database_runs_on_it() -> None:
    assert isinstance(connection.create_cursor(), base.SQLiteCursorWrapper)


def test_a_statement_runs_as_on_djangos_backend_and_its_conversion_is_kept() -> None:
    sql = "SELECT '100%%', %s, '%%s', %s || 'x'"
    base._kept.cache_clear()

    assert run(sql, 1, "a") == [("100%", 1, "%s", "ax")]
    assert run(sql, 2, "b") == [("100%", 2, "%s", "bx")]

    kept = base._kept.cache_info()
    assert (kept.misses, kept.hits) == (1, 1)


def test_a_long_statement_is_converted_every_time_not_kept() -> None:
    values = ", ".join(["%s"] * (base.LONGEST_KEPT // 4))
    sql = f"SELECT COUNT(*) FROM (SELECT 1 WHERE 1 IN ({values}))"  # noqa: S608 (placeholders)
    assert len(sql) > base.LONGEST_KEPT
    base._kept.cache_clear()

    assert run(sql, *range(1, base.LONGEST_KEPT // 4 + 1)) == [(1,)]
    assert base._kept.cache_info().currsize == 0


def test_named_parameters_are_left_to_django() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT %(a)s + %(b)s", {"a": 1, "b": 2})
        assert cursor.fetchone() == (3,)
