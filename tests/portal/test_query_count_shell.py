"""The portal's wall costs a fixed handful of queries per page (DESIGN.md §8: ≤ 8 per page)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from portico.contacts.models import Contact
from portico.portal import scoping
from tests.contacts.factories import ContactPersonFactory
from tests.portal.conftest import enable_with_password

pytestmark = pytest.mark.django_db


def test_the_walls_queries_do_not_grow_with_the_customers_people(
    portal_client: Client, customer_a: Contact, password: str
) -> None:
    portal_client.get("/portal/studio-a/account")  # the once-a-minute session touch is done
    with CaptureQueriesContext(connection) as few:
        assert portal_client.get("/portal/studio-a/statement").status_code == 200

    for _ in range(5):
        enable_with_password(ContactPersonFactory(contact=customer_a), password)
    with CaptureQueriesContext(connection) as many:
        assert portal_client.get("/portal/studio-a/statement").status_code == 200

    # the session with its user (one query), then one for the scope (the organisation with its
    # preferences and the user's persons there); then the statement page's own three (opening
    # balance, lines, aging) since issue 5 built it
    assert len(few) == len(many) <= 2 + 3, [q["sql"][:90] for q in many]
    assert "accounts_user" in many[0]["sql"] and "accounts_session" in many[0]["sql"]
    scope_queries = [q for q in many if "contacts_contactperson" in q["sql"]]
    assert len(scope_queries) == 1 and "orgs_organisation" in scope_queries[0]["sql"]


def test_activity_is_marked_once_an_interval_with_a_plain_update_and_no_row_lock(
    portal_client: Client,
) -> None:
    # given a session last marked seen longer ago than the interval
    portal_client.get("/portal/studio-a/account")
    session = portal_client.session
    session[scoping.SESSION_SEEN_AT] -= scoping.TOUCH_EVERY_SECONDS + 1
    session.save()

    # when the person comes back, twice
    with CaptureQueriesContext(connection) as first:
        assert portal_client.get("/portal/studio-a/account").status_code == 200
    with CaptureQueriesContext(connection) as second:
        assert portal_client.get("/portal/studio-a/account").status_code == 200

    # then the first request marks the listed session seen in one UPDATE, locking nothing
    # beyond that statement, and the second, within the interval, writes nothing
    touches = [
        q["sql"]
        for q in first
        if "portal_portalsession" in q["sql"] and not q["sql"].startswith("SELECT")
    ]
    assert len(touches) == 1 and touches[0].startswith("UPDATE"), touches
    assert not [q for q in first if "FOR UPDATE" in q["sql"]]
    assert not [q for q in second if q["sql"].startswith("UPDATE")]
