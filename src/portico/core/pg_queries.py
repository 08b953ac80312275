"""PostgreSQL statements converted for the driver once per process, long ones too.

psycopg turns a statement's `%s` placeholders into `$n` on every execution, and keeps the
result only for short statements (at most 4 KB and 50 parameters, psycopg's own limits against
caching one-off bulk INSERTs). The portal's page reads are longer (a page's reads run as one
UNION ALL, `portico.core.prepared.together`) and few: converting them anew cost 0.3-0.4 ms of
every page. Statements up to `LONGEST` are kept here (at most `KEPT` of them, least recently
used first out); longer ones are still converted on each call.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from psycopg import Cursor, _queries

LONGEST = 64 * 1024
KEPT = 128
_convert = lru_cache(maxsize=KEPT)(_queries._query2pg_nocache)


class _Query(_queries.PostgresQuery):
    def convert(self, query: Any, vars: Any) -> None:
        if vars is None or not isinstance(query, str | bytes):
            return super().convert(query, vars)
        encoded = self._ensure_bytes(query)
        if len(encoded) > LONGEST:
            return super().convert(query, vars)
        self.query, self._want_formats, self._order, self._parts = _convert(
            encoded, self._tx.encoding
        )
        self.dump(vars)
        return None


def install(connection: Any, **kwargs: Any) -> None:
    """`connection_created`: the new PostgreSQL connection's cursors convert through the
    cache."""
    if connection.vendor == "postgresql":
        driver = connection.connection
        driver.cursor_factory = _caching(driver.cursor_factory)


@lru_cache(maxsize=8)
def _caching(base: type[Cursor[Any]]) -> type[Cursor[Any]]:
    """`base` (the cursor class Django gave the connection) converting through the cache: only
    a cursor that binds its parameters on the server, the one kind the cache applies to."""
    if base._query_cls is not _queries.PostgresQuery:
        return base
    return type(base.__name__, (base,), {"_query_cls": _Query})
