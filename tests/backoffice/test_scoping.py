from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from portico.accounts.models import User
from portico.contacts.models import Contact
from portico.orgs.models import Item, Organisation, Tax
from tests.accounts.factories import UserFactory
from tests.contacts.factories import ContactFactory, ContactPersonFactory
from tests.orgs.factories import TaxFactory

pytestmark = pytest.mark.django_db


def test_item_form_offers_only_the_own_organisations_taxes(
    owner_client: Client, org: Organisation, other_org: Organisation
) -> None:
    foreign_tax = Tax.objects.get(organisation=other_org)
    response = owner_client.get(reverse("admin:orgs_item_add"))
    choices = list(response.context["adminform"].form.fields["tax"].queryset)
    assert Tax.objects.get(organisation=org) in choices
    assert foreign_tax not in choices


def test_item_form_rejects_another_organisations_tax(
    owner_client: Client, org: Organisation, other_org: Organisation
) -> None:
    # given a tax id of organisation B
    foreign_tax = Tax.objects.get(organisation=other_org)

    # when A's owner posts it on a new item
    response = owner_client.post(
        reverse("admin:orgs_item_add"),
        {"name": "Sneaky", "rate": "10", "tax": foreign_tax.pk, "is_active": "on"},
    )

    # then the form answers with a field error and nothing is saved
    assert response.status_code == 200
    assert "tax" in response.context["adminform"].form.errors
    assert not Item.objects.filter(name="Sneaky").exists()


def test_a_new_item_belongs_to_the_staff_users_organisation(
    owner_client: Client, org: Organisation
) -> None:
    response = owner_client.post(
        reverse("admin:orgs_item_add"), {"name": "Logo design", "rate": "250.00", "is_active": "on"}
    )
    assert response.status_code == 302
    item = Item.objects.get(name="Logo design")
    assert item.organisation == org
    assert item.rate == Decimal("250.00")


def test_a_second_default_tax_is_a_field_error_not_a_crash(
    owner_client: Client, org: Organisation
) -> None:
    response = owner_client.post(
        reverse("admin:orgs_tax_add"), {"name": "Reduced", "rate": "5", "is_default": "on"}
    )
    assert response.status_code == 200
    assert "already has a default tax" in str(response.context["adminform"].form.errors)
    assert Tax.objects.filter(organisation=org, is_default=True).count() == 1


def test_the_same_tax_name_may_exist_in_two_organisations(
    owner_client: Client, org: Organisation, other_org: Organisation
) -> None:
    TaxFactory(organisation=other_org, name="Reduced")
    response = owner_client.post(reverse("admin:orgs_tax_add"), {"name": "Reduced", "rate": "5"})
    assert response.status_code == 302


def test_customers_list_shows_the_portal_status(owner_client: Client, org: Organisation) -> None:
    from portico.contacts.models import ContactPerson

    contact = ContactFactory(organisation=org, display_name="Portal Co")
    ContactPersonFactory(contact=contact, portal_status=ContactPerson.PortalStatus.ACTIVE)
    ContactPersonFactory(contact=contact, portal_status=ContactPerson.PortalStatus.INVITED)
    response = owner_client.get(reverse("admin:contacts_contact_changelist"))
    assert "1 active · 1 invited" in response.content.decode()


def test_a_new_customer_with_persons_is_saved_in_the_organisation(
    owner_client: Client, org: Organisation
) -> None:
    data = {
        "display_name": "New Customer",
        "currency": "USD",
        "payment_terms_days": "30",
        "language": "en",
        "persons-TOTAL_FORMS": "1",
        "persons-INITIAL_FORMS": "0",
        "persons-MIN_NUM_FORMS": "0",
        "persons-MAX_NUM_FORMS": "1000",
        "persons-0-first_name": "Nora",
        "persons-0-email": "nora@new.example",
        "persons-0-is_primary": "on",
    }
    response = owner_client.post(reverse("admin:contacts_contact_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    contact = Contact.objects.get(display_name="New Customer")
    assert contact.organisation == org
    assert contact.persons.get().organisation == org


def test_soft_deleted_customers_leave_the_list_and_can_be_restored(
    owner_client: Client, org: Organisation
) -> None:
    contact = ContactFactory(organisation=org, display_name="Gone Ltd")
    url = reverse("admin:contacts_contact_changelist")
    owner_client.post(url, {"action": "soft_delete", "_selected_action": [contact.pk]})
    contact.refresh_from_db()
    assert contact.is_deleted
    assert "Gone Ltd" not in owner_client.get(url).content.decode()
    owner_client.post(url + "?deleted=yes", {"action": "restore", "_selected_action": [contact.pk]})
    contact.refresh_from_db()
    assert not contact.is_deleted


def test_staff_without_a_membership_cannot_enter_the_back_office() -> None:
    user: User = UserFactory(is_staff=True)
    client = Client()
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_a_teammate_may_not_change_organisation_settings(
    teammate_client: Client, org: Organisation
) -> None:
    url = reverse("admin:orgs_organisation_change", args=[org.pk])
    response = teammate_client.post(url, {"name": "Hijacked", "slug": org.slug})
    assert response.status_code == 403
    org.refresh_from_db()
    assert org.name == "Studio A"
