"""The wall on the staff endpoint that prices lines as they are typed
(`backoffice_documents:line_totals`): ids of another organisation count as not chosen, and only
members of an organisation may ask."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from portico.contacts.models import Contact
from portico.orgs.models import Item, Organisation, Tax
from tests.contacts.factories import ContactFactory

pytestmark = pytest.mark.django_db

URL = reverse("backoffice_documents:line_totals")


def form(contact: object, **line: object) -> dict[str, object]:
    return {
        "contact": contact,
        "lines-TOTAL_FORMS": "1",
        **{f"lines-0-{key}": value for key, value in line.items()},
    }


def test_another_organisations_customer_item_and_tax_are_never_priced(
    owner_client: Client, other_org: Organisation, customer_a: Contact
) -> None:
    foreign_customer = ContactFactory(organisation=other_org, display_name="B's customer")
    foreign_tax = Tax.objects.create(organisation=other_org, name="B-only tax", rate=Decimal(7))
    foreign_item = Item.objects.create(organisation=other_org, name="B-only item", rate="5")

    as_customer = owner_client.post(URL, form(foreign_customer.pk, description="x", rate="1"))
    as_line = owner_client.post(
        URL, form(customer_a.pk, item=foreign_item.pk, tax=foreign_tax.pk, rate="2")
    )

    assert "Choose a customer" in as_customer.content.decode()
    page = as_line.content.decode()
    assert "B-only" not in page and "$2.00" in page


def test_a_visitor_and_a_portal_user_are_not_let_in(customer_a: Contact) -> None:
    response = Client().post(URL, form(customer_a.pk, description="x", rate="1"))
    assert response.status_code in (302, 404)
    assert b"$1.00" not in response.content
