"""Editing that helps: live totals while typing, items that fill their line, and amounts shown
as money in the document's currency on every back-office screen."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from portico.accounts.models import Membership
from portico.contacts.models import Contact
from portico.orgs.models import Item, Organisation, Tax
from portico.sales.models import Invoice
from tests.accounts.factories import MembershipFactory
from tests.contacts.factories import ContactFactory
from tests.sales import factories as make

pytestmark = pytest.mark.django_db


@pytest.fixture
def read_only_client(org: Organisation) -> Client:
    reader = MembershipFactory(organisation=org, role=Membership.Role.READ_ONLY).user
    client = Client()
    client.force_login(reader)
    return client


TOTALS = reverse("backoffice_documents:line_totals")


def lines(rows: list[dict[str, Any]], **document: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"lines-TOTAL_FORMS": str(len(rows)), **document}
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"lines-{index}-{key}"] = value
    return data


def test_the_totals_follow_the_typed_lines_in_the_customers_currency(
    owner_client: Client, org: Organisation
) -> None:
    # given a customer billed in euros and a 20% tax
    customer = ContactFactory(organisation=org, currency="EUR")
    vat = Tax.objects.create(organisation=org, name="MwSt", rate=Decimal("20"))

    # when the form posts two lines, one taxed, and a discount
    response = owner_client.post(
        TOTALS,
        lines(
            [
                {"description": "Design", "quantity": "3", "rate": "470.71", "tax": vat.pk},
                {"description": "Hosting", "quantity": "1", "rate": "10", "discount_percent": "50"},
                {"description": "", "quantity": "1", "rate": ""},
            ],
            contact=customer.pk,
            discount="0",
        ),
    )

    # then the amounts are worked out by the money functions and shown in euros
    page = response.content.decode()
    assert response.status_code == 200
    assert "€1,412.13" in page and "€5.00" in page
    assert "€1,417.13" in page  # subtotal
    assert "€282.43" in page  # 20% of 1,412.13
    assert "€1,699.56" in page  # total
    assert "1412.1300" not in page


def test_a_deleted_line_and_a_bad_number_are_handled(
    owner_client: Client, customer_a: Contact
) -> None:
    deleted = owner_client.post(
        TOTALS,
        lines(
            [
                {"description": "Gone", "rate": "99", "DELETE": "on"},
                {"description": "A", "rate": "1"},
            ],
            contact=customer_a.pk,
        ),
    ).content.decode()
    bad = owner_client.post(
        TOTALS, lines([{"description": "A", "rate": "abc"}], contact=customer_a.pk)
    ).content.decode()
    too_much = owner_client.post(
        TOTALS, lines([{"description": "A", "rate": "10"}], contact=customer_a.pk, discount="50")
    ).content.decode()

    assert "Gone" not in deleted and "$1.00" in deleted
    assert "Line 1: enter the quantity, rate and discount as numbers." in bad
    assert "discount must be between zero and the subtotal" in too_much


def test_another_organisations_customer_or_tax_is_never_used(
    owner_client: Client, other_org: Organisation, customer_a: Contact
) -> None:
    # given a customer and a tax of organisation B
    foreign_customer = ContactFactory(organisation=other_org, currency="JPY")
    foreign_tax = Tax.objects.create(organisation=other_org, name="Secret tax", rate=Decimal(50))

    # when organisation A's form names them
    as_customer = owner_client.post(
        TOTALS, lines([{"description": "A", "rate": "10"}], contact=foreign_customer.pk)
    ).content.decode()
    as_tax = owner_client.post(
        TOTALS,
        lines([{"description": "A", "rate": "10", "tax": foreign_tax.pk}], contact=customer_a.pk),
    ).content.decode()

    # then they count as not chosen
    assert "Choose a customer" in as_customer and "¥" not in as_customer
    assert "Secret tax" not in as_tax and "$10.00" in as_tax


def test_the_totals_need_a_member_who_may_write(
    client: Client, customer_a: Contact, read_only_client: Client
) -> None:
    data = lines([{"description": "A", "rate": "10"}], contact=customer_a.pk)
    assert client.post(TOTALS, data).status_code in (302, 404)
    assert read_only_client.post(TOTALS, data).status_code == 403


def test_a_draft_page_carries_the_item_catalogue_and_the_totals_box(
    owner_client: Client, org: Organisation, other_org: Organisation, customer_a: Contact
) -> None:
    vat = Tax.objects.get(organisation=org)
    item = Item.objects.create(
        organisation=org, name="Logo", description="A logo, three drafts", rate="250", tax=vat
    )
    Item.objects.create(organisation=other_org, name="Foreign item", rate="1")

    page = owner_client.get(reverse("admin:sales_invoice_add")).content.decode()

    marker = '<script id="line-items-data" type="application/json">'
    start = page.index(marker) + len(marker)
    catalogue = json.loads(page[start : page.index("</script>", start)])
    assert catalogue == {
        str(item.pk): {"description": "A logo, three drafts", "rate": "250", "tax": vat.pk}
    }
    assert 'id="live-totals"' in page and TOTALS in page
    assert "backoffice/lines.js" in page


def test_an_issued_invoice_shows_its_amounts_as_money(
    owner_client: Client, org: Organisation
) -> None:
    customer = ContactFactory(organisation=org, currency="EUR")
    invoice = make.invoice(customer, "1412.13")

    change = owner_client.get(reverse("admin:sales_invoice_change", args=[invoice.pk]))
    listing = owner_client.get(reverse("admin:sales_invoice_changelist"))

    for page in (change.content.decode(), listing.content.decode()):
        assert "€1,412.13" in page
        assert "1412.1300" not in page and "1,412.1300" not in page
    assert 'id="live-totals"' not in change.content.decode()


def test_a_draft_keeps_its_discount_editable(owner_client: Client, customer_a: Contact) -> None:
    draft = make.invoice(customer_a, "100.00", send=False)
    form = (
        owner_client.get(reverse("admin:sales_invoice_change", args=[draft.pk]))
        .context["adminform"]
        .form
    )

    assert "discount" in form.fields
    assert Invoice.objects.get(pk=draft.pk).total == Decimal("100.00")


def test_a_draft_types_its_numbers_back_as_written_and_hides_stale_line_amounts(
    owner_client: Client, customer_a: Contact
) -> None:
    draft = make.invoice(customer_a, "470.71", send=False)

    page = owner_client.get(reverse("admin:sales_invoice_change", args=[draft.pk]))
    html = page.content.decode()

    assert 'value="470.71"' in html and 'value="1"' in html
    assert "470.7100" not in html and "1.0000" not in html
    lines = next(f for f in page.context["inline_admin_formsets"] if f.formset.prefix == "lines")
    assert "amount" not in [field["name"] for field in lines.fields()]
