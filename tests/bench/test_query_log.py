"""The benchmark's query log tells the portal's once-a-minute activity record apart, so a slow
page that happens to carry it is not reported as costing more queries."""

from __future__ import annotations

from bench.pages import QueryLog

SELECT_SESSION = 'SELECT "django_session"."session_key" FROM "django_session"'
SELECT_ACTIVITY = 'SELECT "portal_portalsession"."id" FROM "portal_portalsession"'
UPDATE_ACTIVITY = 'UPDATE "portal_portalsession" SET "last_seen_at" = %s'
INSERT_ACTIVITY = 'INSERT INTO "portal_portalsession" ("session_key") VALUES (%s)'


def test_a_request_that_recorded_activity_is_told_apart() -> None:
    for write in (UPDATE_ACTIVITY, INSERT_ACTIVITY):
        log = QueryLog()
        log.statements = [(SELECT_SESSION, ()), (SELECT_ACTIVITY, ()), (write, ())]
        assert log.touched_activity()


def test_reading_the_activity_table_alone_is_not_a_record() -> None:
    log = QueryLog()
    log.statements = [(SELECT_SESSION, ()), (SELECT_ACTIVITY, ())]
    assert not log.touched_activity() and len(log) == 2
