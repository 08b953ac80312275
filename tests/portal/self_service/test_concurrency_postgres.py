"""Messages sent at the same moment still stop at ten an hour; a confirmation link works once."""

from __future__ import annotations

import pytest

from portico.activity import self_service as services
from portico.contacts.models import ContactPerson, CustomerMessage, Review
from portico.contacts.scope import PortalScope
from portico.core.errors import DomainError
from tests.contacts.factories import ContactFactory, ContactPersonFactory
from tests.orgs.factories import OrganisationFactory
from tests.portal.self_service.factories import CustomerMessageFactory
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


def test_messages_sent_at_once_never_pass_the_hourly_limit() -> None:
    scope = make_scope("race-messages")
    CustomerMessageFactory.create_batch(7, person=scope.person)

    errors = run_together(
        8, lambda i: services.customer_message_send(scope=scope, subject=f"S{i}", body="B")
    )

    assert len(errors) == 5
    assert all(isinstance(e, DomainError) and e.code == "rate_limited" for e in errors)
    assert CustomerMessage.objects.count() == 10


def test_one_person_writing_twice_at_once_keeps_one_review() -> None:
    scope = make_scope("race-review")

    errors = run_together(
        4, lambda i: services.review_save(scope=scope, rating=1 + i, text=f"take {i}")
    )

    assert errors == []
    assert Review.objects.count() == 1
