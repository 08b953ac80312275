"""Two reviews written at once keep one; a confirmation link works once."""

from __future__ import annotations

import pytest

from portico.activity import self_service as services
from portico.contacts.models import ContactPerson, Review
from portico.contacts.scope import PortalScope
from tests.contacts.factories import ContactFactory, ContactPersonFactory
from tests.orgs.factories import OrganisationFactory
from tests.sales.test_numbering_postgres import is_postgres, run_together

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]


def make_scope(slug: str) -> PortalScope:
    person: ContactPerson = ContactPersonFactory(
        contact=ContactFactory(organisation=OrganisationFactory(slug=slug))
    )
    return PortalScope(person.organisation, person.contact, person)


def test_one_person_writing_twice_at_once_keeps_one_review() -> None:
    scope = make_scope("race-review")

    errors = run_together(
        4, lambda i: services.review_save(scope=scope, rating=1 + i, text=f"take {i}")
    )

    assert errors == []
    assert Review.objects.count() == 1
