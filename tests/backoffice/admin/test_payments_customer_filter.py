"""The back office's customer filter on the ledger and credit lists: an autocomplete over the
organisation's customers, not a list of every customer on each page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portico.contacts.models import Contact
from portico.orgs.models import Organisation
from tests.contacts.factories import ContactFactory
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db

LEDGER = "admin:sales_ledgerentry_changelist"
CREDIT = "admin:payments_customercredit_changelist"


def test_the_filter_is_an_autocomplete_and_lists_no_customer(
    owner_client: Client, org: Organisation, customer_a: Contact
) -> None:
    # given a customer with an invoice and one without any history
    sales.invoice(customer_a, "10.00")
    ContactFactory(organisation=org, display_name="Quiet Customer")

    # when the owner opens the ledger and the credit list
    for name in (LEDGER, CREDIT):
        body = owner_client.get(reverse(name)).content.decode()

        # then the customer filter is a select that asks the autocomplete, empty until typed in
        assert f'data-ajax--url="{reverse("admin:autocomplete")}"' in body
        assert '<select name="customer"' in body and 'data-field-name="contact"' in body
        assert "Quiet Customer" not in body


def test_choosing_a_customer_filters_the_rows_and_shows_their_name(
    owner_client: Client, org: Organisation, customer_a: Contact, customer_b: Contact
) -> None:
    a = sales.invoice(customer_a, "10.00")
    b = sales.invoice(customer_b, "20.00")

    body = owner_client.get(reverse(LEDGER), {"customer": customer_a.pk}).content.decode()

    assert a.number in body and b.number not in body
    assert f'<option value="{customer_a.pk}" selected>Customer A</option>' in body


def test_another_organisations_customer_is_neither_named_nor_shown(
    owner_client: Client, other_org_customer: Contact
) -> None:
    invoice = sales.invoice(other_org_customer, "10.00")

    for value in (str(other_org_customer.pk), "not-a-number"):
        response = owner_client.get(reverse(LEDGER), {"customer": value})
        body = response.content.decode()
        assert response.status_code == 200
        assert other_org_customer.display_name not in body and invoice.number not in body


def test_the_autocomplete_answers_the_organisations_customers_only(
    owner_client: Client, customer_a: Contact, other_org_customer: Contact
) -> None:
    response = owner_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "sales",
            "model_name": "ledgerentry",
            "field_name": "contact",
            "term": "customer",
        },
    )

    assert response.status_code == 200
    found = {row["text"] for row in response.json()["results"]}
    assert "Customer A" in found and other_org_customer.display_name not in found


def test_the_ledger_list_costs_the_same_queries_with_many_more_customers(
    owner_client: Client, org: Organisation, customer_a: Contact
) -> None:
    sales.invoice(customer_a, "10.00")

    def count() -> int:
        owner_client.get(reverse(LEDGER))
        with CaptureQueriesContext(connection) as queries:
            assert owner_client.get(reverse(LEDGER)).status_code == 200
        return len(queries)

    few = count()
    ContactFactory.create_batch(40, organisation=org)
    assert count() == few
