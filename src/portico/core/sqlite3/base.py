"""Django's SQLite backend, each statement's placeholders converted once per process.

Django writes `%s` placeholders; its SQLite cursor turns them into `?` with a regular
expression on every execution. The expression tries every position of the statement, so a
page's few queries (the scope's alone is 4,400 characters) cost 0.1-0.2 ms a request in it:
as much as running them. The same statements come back on every request, so each converted
one is kept (statements of a bounded length, a bounded number of them). PostgreSQL's driver
keeps its own conversions already.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.db.backends.sqlite3 import base

KEPT_STATEMENTS = 1024
LONGEST_KEPT = 16_384
"""Longer statements (a bulk insert's) are converted on every execution, as Django does."""


class SQLiteCursorWrapper(base.SQLiteCursorWrapper):
    def convert_query(self, query: str, *, param_names: Any = None) -> str:
        if param_names is None and len(query) <= LONGEST_KEPT:
            return _kept(query)
        return super().convert_query(query, param_names=param_names)


@lru_cache(maxsize=KEPT_STATEMENTS)
def _kept(query: str) -> str:
    # Django's own conversion, which reads nothing of the cursor.
    return base.SQLiteCursorWrapper.convert_query(None, query)  # type: ignore[arg-type]


class DatabaseWrapper(base.DatabaseWrapper):
    def create_cursor(self, name: Any = None) -> Any:
        return self.connection.cursor(factory=SQLiteCursorWrapper)
