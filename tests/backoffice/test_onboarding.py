"""The onboarding checklist: each step ticked from what is in the database, hidden when done."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from portico.backoffice import onboarding
from portico.contacts.models import ContactPerson
from portico.orgs.models import Organisation, PortalPreferences
from portico.sales import services as sales_services
from tests.accounts.factories import MembershipFactory
from tests.contacts.factories import ContactFactory, ContactPersonFactory
from tests.gateways.factories import GatewayAccountFactory
from tests.orgs.factories import OrganisationFactory, TaxFactory
from tests.sales import factories as make

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def done(organisation: Organisation) -> dict[str, bool]:
    return {step.key: step.done for step in onboarding.checklist_for(organisation).steps}


@pytest.fixture
def new_org() -> Organisation:
    return OrganisationFactory(name="Brand New", slug="brand-new")


def test_a_new_organisation_has_every_step_to_do(new_org: Organisation) -> None:
    checklist = onboarding.checklist_for(new_org)
    assert not any(done(new_org).values())
    assert checklist.done_count == 0 and not checklist.complete
    assert [step.key for step in checklist.steps] == [
        "business",
        "tax",
        "gateway",
        "portal",
        "customer",
        "invoice",
    ]


def test_each_step_is_ticked_by_the_real_rows(
    new_org: Organisation, other_org: Organisation
) -> None:
    # given another organisation that did everything (it must not tick ours)
    GatewayAccountFactory(organisation=other_org)
    make.invoice(ContactFactory(organisation=other_org))

    # when the business fills in its details and logo
    new_org.street, new_org.city, new_org.country = "1 Main St", "Springfield", "US"
    new_org.logo = SimpleUploadedFile("logo.png", PNG, content_type="image/png")
    new_org.save()
    assert done(new_org)["business"]

    # and sets a default tax, a gateway and its portal colour
    TaxFactory(organisation=new_org, is_default=True)
    GatewayAccountFactory(organisation=new_org)
    PortalPreferences.objects.filter(organisation=new_org).update(brand_colour="#aa3300")
    state = done(new_org)
    assert state["tax"] and state["gateway"] and state["portal"]
    assert not state["customer"] and not state["invoice"]

    # and adds a customer: not done until a person is invited to the portal
    customer = ContactFactory(organisation=new_org)
    person = ContactPersonFactory(contact=customer)
    assert not done(new_org)["customer"]
    ContactPerson.objects.filter(pk=person.pk).update(
        portal_status=ContactPerson.PortalStatus.INVITED
    )
    assert done(new_org)["customer"]

    # and a draft invoice is not a sent one
    draft = make.invoice(customer, send=False)
    assert not done(new_org)["invoice"]
    sales_services.invoice_send(invoice=draft)

    # then every step is done
    assert onboarding.checklist_for(new_org).complete


def test_the_checklist_costs_one_query(
    new_org: Organisation, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):
        onboarding.checklist_for(new_org)


def test_a_new_owner_sees_the_checklist_with_links_to_each_page(new_org: Organisation) -> None:
    owner = MembershipFactory(organisation=new_org).user
    client = Client()
    client.force_login(owner)

    page = client.get(reverse("admin:index")).content.decode()

    assert 'data-testid="onboarding"' in page
    assert "0 of 6 steps done" in page
    assert reverse("admin:orgs_organisation_change", args=[new_org.pk]) in page
    assert reverse("admin:orgs_tax_changelist") in page
    assert reverse("admin:contacts_contact_add") in page
    assert reverse("admin:sales_invoice_add") in page


def test_the_checklist_is_hidden_once_everything_is_done(
    owner_client: Client, org: Organisation, customer_a: Any
) -> None:
    org.street, org.city, org.country = "1 Main St", "Springfield", "US"
    org.logo = SimpleUploadedFile("logo.png", PNG, content_type="image/png")
    org.save()
    GatewayAccountFactory(organisation=org)
    PortalPreferences.objects.filter(organisation=org).update(banner_text="Welcome!")
    ContactPersonFactory(contact=customer_a, portal_status=ContactPerson.PortalStatus.ACTIVE)
    make.invoice(customer_a)

    page = owner_client.get(reverse("admin:index")).content.decode()

    assert 'data-testid="dashboard"' in page
    assert 'data-testid="onboarding"' not in page
