"""What `together` and the driver's statement cache do on PostgreSQL only (issue 18): the
typing row is dropped once the column types are known, and long statements are converted for
the driver once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portico.contacts.models import Contact, ContactPerson
from portico.core import pg_queries
from portico.core.prepared import Prepared, together
from tests.sales.test_numbering_postgres import is_postgres

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not is_postgres(), reason="PostgreSQL's UNION typing and driver"),
    pytest.mark.django_db,
]

PERSONS = Prepared(lambda pk: ContactPerson.objects.filter(contact_id=pk).order_by("pk"), pk=-21)
FIGURES = Prepared(
    lambda pk: Contact.objects.filter(pk=pk).values("pk", "currency", "created_at"), pk=-22
)


def test_together_drops_its_typing_row_after_the_first_run(
    customer_a: Contact, customer_a_person: ContactPerson
) -> None:
    # given a batch whose first part answers no row (its columns then typed by NULLs only)
    def run() -> list[list[object]]:
        return together(
            PERSONS.bound(pk=-1), PERSONS.bound(pk=customer_a.pk), FIGURES.bound(pk=customer_a.pk)
        )

    # when it runs twice
    with CaptureQueriesContext(connection) as captured:
        first, second = run(), run()

    # then the second run's SQL gives each column its type, without the typing row, and both
    # answer the rows each query answers alone
    assert len(captured) == 2
    assert "WHERE false" in captured[0]["sql"] and "WHERE false" not in captured[1]["sql"]
    assert "NULL::" in captured[1]["sql"]
    assert first == second
    assert [p.pk for p in second[1]] == [customer_a_person.pk]
    assert second[2][0]["created_at"] == customer_a.created_at and second[0] == []


def test_a_long_statement_is_converted_for_the_driver_once(customer_a: Contact) -> None:
    # given a statement longer than psycopg keeps (4 KB, more than 50 parameters)
    ids = [customer_a.pk, *range(-200, -100)]
    placeholders = ", ".join(["%s"] * len(ids))
    sql = f"SELECT id FROM contacts_contact WHERE id IN ({placeholders}) AND display_name <> %s"  # noqa: S608
    sql += " " * 4096
    before = pg_queries._convert.cache_info()

    # when it runs twice
    for _ in range(2):
        with connection.cursor() as cursor:
            cursor.execute(sql, [*ids, "\x01"])
            assert cursor.fetchall() == [(customer_a.pk,)]

    # then the second run found its conversion kept
    after = pg_queries._convert.cache_info()
    assert after.hits == before.hits + 1 and after.misses == before.misses + 1
