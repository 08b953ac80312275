"""The portal's wall costs a fixed handful of queries per page (DESIGN.md §8: ≤ 8 per page)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from portico.contacts.models import Contact
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

    # session, user, organisation with preferences, the user's persons here; then the
    # statement page's own three (opening balance, lines, aging) since issue 5 built it
    assert len(few) == len(many) <= 4 + 3, [q["sql"][:90] for q in many]
