"""Many tabs at once: one first view, one acceptance, one notification each (PostgreSQL)."""

from __future__ import annotations

import pytest

from portico.activity import portal_actions, services
from portico.activity.models import EstimateAcceptance, Notification
from portico.contacts.scope import PortalScope
from portico.core.errors import DomainError
from portico.sales import services as sales_services
from portico.sales.models import Estimate, Invoice
from tests.contacts.factories import ContactFactory, ContactPersonFactory
from tests.orgs.factories import OrganisationFactory
from tests.sales import factories as make
from tests.sales.test_numbering_postgres import is_postgres, run_together

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL concurrency"),
    pytest.mark.django_db(transaction=True),
]


def a_scope(slug: str) -> PortalScope:
    organisation = OrganisationFactory(slug=slug)
    contact = ContactFactory(organisation=organisation)
    return PortalScope(organisation, contact, ContactPersonFactory(contact=contact))


def test_eight_tabs_opening_an_invoice_notify_the_business_once() -> None:
    scope = a_scope("race-view")
    invoice = make.invoice(scope.contact)

    def open_it(_: int) -> None:
        services.document_mark_viewed(scope=scope, document=Invoice.objects.get(pk=invoice.pk))

    errors = run_together(8, open_it)

    assert errors == []
    assert Notification.objects.filter(kind="viewed").count() == 1
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.VIEWED


def test_eight_tabs_accepting_an_estimate_sign_it_once() -> None:
    scope = a_scope("race-accept")
    estimate = sales_services.estimate_send(estimate=make.estimate(scope.contact))

    def accept(n: int) -> None:
        portal_actions.estimate_accept_from_portal(
            scope=scope,
            estimate=Estimate.objects.get(pk=estimate.pk),
            signed_name=f"Tab {n}",
            origin=services.Origin(),
        )

    errors = run_together(8, accept)

    assert len(errors) == 7
    assert all(isinstance(e, DomainError) and "already accepted" in e.message for e in errors)
    assert EstimateAcceptance.objects.count() == 1
    assert Notification.objects.filter(kind="estimate_accepted").count() == 1
