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
from portico.sales.portal_selectors import ListQuery
from tests.sales import factories as sales
from tests.sales.test_customer_account import pay

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


def test_a_list_page_reads_its_total_in_its_own_query_for_every_filter_and_kind(
    customer_a_person: ContactPerson, customer_b_person: ContactPerson
) -> None:
    # given invoices of both kinds in several states, and another customer's
    customer = customer_a_person.contact
    first, second = sales.invoice(customer, "100.00"), sales.invoice(customer, "40.00")
    sales.invoice(customer, "200.00", kind="retainer")
    sales.invoice(customer, "60.00", kind="retainer")
    sales.invoice(customer_b_person.contact, "10.00")
    pay(customer, "30.00", (first, "30.00"))
    services.invoice_void(invoice=second)
    scope = scope_of(customer_a_person)
    # when each filter and kind is listed, two to a page
    for status in (*selectors.INVOICE_FILTER_NAMES, "void"):
        for kind in selectors.INVOICE_KINDS:
            query = ListQuery(status=status, kind=kind, per_page=2)
            with CaptureQueriesContext(connection) as queries:
                page = selectors.invoice_list_for_portal(scope=scope, query=query)
                rows = list(page.object_list)
            # then the page and its total took one query, and the total is the rows' count
            counted = selectors.invoice_rows_for_portal(scope=scope, query=query).count()
            assert (len(queries), page.paginator.count) == (1, counted), (status, kind)
            assert len(rows) == min(counted, 2)


def test_a_page_past_the_end_counts_then_shows_the_last_page(
    customer_a_person: ContactPerson,
) -> None:
    for amount in ("1.00", "2.00", "3.00"):
        sales.invoice(customer_a_person.contact, amount)
    scope = scope_of(customer_a_person)
    with CaptureQueriesContext(connection) as queries:
        page = selectors.invoice_list_for_portal(scope=scope, query=ListQuery(page=9, per_page=2))
        rows = list(page.object_list)
    assert (page.number, page.paginator.count, len(rows), len(queries)) == (2, 3, 1, 3)
    # and an empty list is one query too
    other = ListQuery(status="paid", per_page=2)
    with CaptureQueriesContext(connection) as queries:
        page = selectors.invoice_list_for_portal(scope=scope, query=other)
    assert (page.number, page.paginator.count, list(page.object_list), len(queries)) == (
        1,
        0,
        [],
        1,
    )
