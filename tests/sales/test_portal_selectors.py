"""A document page's reads (sales.portal_selectors): prepared queries, scoped to the customer,
whose lines read as `document.lines.all()` without another query."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from portico.contacts.models import ContactPerson
from portico.contacts.scope import PortalScope
from portico.sales import portal_selectors as selectors
from portico.sales import services
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db


def scope_of(person: ContactPerson) -> PortalScope:
    return PortalScope(person.organisation, person.contact, person)


def test_an_invoice_comes_with_its_lines_in_two_queries(
    customer_a_person: ContactPerson,
) -> None:
    # given an invoice with two lines
    made = services.invoice_create(
        contact=customer_a_person.contact,
        lines=[sales.line("10.00", description="First"), sales.line("5.00", description="Second")],
        issue_date=sales.DAY,
    )
    services.invoice_send(invoice=made)
    # when the portal reads it
    with CaptureQueriesContext(connection) as queries:
        invoice = selectors.invoice_get_for_portal(
            scope=scope_of(customer_a_person), invoice_id=made.public_id
        )
        lines = list(invoice.lines.all())
    # then the invoice and its lines took two queries, the lines in their order
    assert len(queries) == 2
    assert [line.description for line in lines] == ["First", "Second"]
    assert all(line.document is invoice for line in lines)
    # and a filter on the lines still asks the database
    assert [line.description for line in invoice.lines.filter(rate=5)] == ["Second"]


def test_an_estimate_comes_with_its_lines_and_another_customers_is_404(
    customer_a_person: ContactPerson, customer_b_person: ContactPerson
) -> None:
    estimate = services.estimate_send(estimate=sales.estimate(customer_a_person.contact, "42.00"))
    with CaptureQueriesContext(connection) as queries:
        found = selectors.estimate_get_for_portal(
            scope=scope_of(customer_a_person), estimate_id=estimate.public_id
        )
        rates = [line.rate for line in found.lines.all()]
    assert len(queries) == 2
    assert rates == [42]
    with pytest.raises(Http404):
        selectors.estimate_get_for_portal(
            scope=scope_of(customer_b_person), estimate_id=estimate.public_id
        )
