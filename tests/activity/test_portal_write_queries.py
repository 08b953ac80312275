"""Query counts of the portal's writes the benchmark times (issue 18): accepting an estimate,
posting a comment on an invoice and approving a timesheet each run a fixed number of
statements, the same for a customer with a long history as for one with a short one.

Each write is the page's POST as `make bench` sends it (`bench.writes`), on a fresh object,
with the work left for after the commit (events for webhooks, queued tasks) counted too.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bench import writes
from bench.pages import QueryLog, logging_queries
from portico.contacts.models import Contact, ContactPerson
from portico.devdata import scale
from tests.portal.test_query_budgets import HISTORY, PASSWORD  # the same short history

pytestmark = [pytest.mark.django_db, pytest.mark.urls("bench.urls")]

MAKERS = {
    "accept": writes._estimates_to_accept,
    "comment": writes._invoices_to_comment,
    "approve": writes._timesheets_to_approve,
}
# Counted inside the test's transaction: the action's transaction is a savepoint here, two
# statements more than a request runs on PostgreSQL (one more than on SQLite, with its BEGIN).
QUERIES = {"accept": 14, "comment": 12, "approve": 12}


def queries_for(contact: Contact, write: str, on_commit: Any) -> list[str]:
    """The statements of the second of two such writes (the first logs in the session)."""
    person = ContactPerson.objects.get(contact=contact, is_primary=True)
    client = Client()
    response = client.post(
        f"/portal/{contact.organisation.slug}/login", {"email": person.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    prepared = MAKERS[write](
        org=contact.organisation,
        contact=contact,
        n=2,
        today=timezone.localdate(),
        reverse=reverse,
    )
    assert len(prepared) == 2
    log = QueryLog()
    for item in prepared:
        client.get(item.page)  # opened first, as the person does (and marked seen)
        log = QueryLog()
        with logging_queries(log), on_commit(execute=True):
            response = client.post(item.action, item.data, headers=item.headers)
        assert response.status_code == (200 if item.headers else 302)
    assert writes._done(writes.WRITES[list(MAKERS).index(write)], [p.target for p in prepared]) == 2
    return [sql for sql, _ in log.statements]


@pytest.mark.parametrize("write", list(MAKERS))
def test_a_portal_write_costs_the_same_queries_for_a_long_and_a_short_history(
    write: str, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # as deployed
    # given a customer with 40 invoices, 30 estimates and 60 hours logged, and one with 3
    seeded = scale.seed_scale(slug="writes", spec=HISTORY)
    # when each makes the write on a fresh object
    long_history = queries_for(seeded.big_contact, write, django_capture_on_commit_callbacks)
    short_history = queries_for(seeded.small_contact, write, django_capture_on_commit_callbacks)
    # then both run the same statements, as many as counted here
    assert len(long_history) == len(short_history), "\n".join(long_history)
    assert len(long_history) == QUERIES[write], "\n".join(long_history)
