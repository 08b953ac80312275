"""The portal's wall: roles, preferences, refusals, and one customer at a time."""

from __future__ import annotations

import pytest
from django.test import Client

from portico.contacts.models import Contact, ContactPerson
from portico.contacts.scope import Module
from portico.orgs.models import Organisation
from portico.portal.scoping import MENU
from tests.contacts.factories import ContactPersonFactory
from tests.portal.conftest import enable_with_password, portal_login

pytestmark = pytest.mark.django_db
Role = ContactPerson.PortalRole

PAGES = {
    Module.HOME: "",
    Module.ESTIMATES: "estimates",
    Module.INVOICES: "invoices",
    Module.PAYMENTS: "payments",
    Module.SALES_ORDERS: "sales-orders",
    Module.PROJECTS: "projects",
    Module.TIMESHEETS: "timesheets",
    Module.STATEMENT: "statement",
    Module.ACCOUNT: "account",
}
ALLOWED = {
    Role.FULL: set(Module),
    Role.BILLING: {
        Module.HOME,
        Module.ESTIMATES,
        Module.INVOICES,
        Module.PAYMENTS,
        Module.STATEMENT,
        Module.ACCOUNT,
    },
    Role.PROJECTS: {Module.HOME, Module.PROJECTS, Module.TIMESHEETS, Module.ACCOUNT},
}


def test_every_menu_section_has_a_page_in_the_matrix() -> None:
    assert {item.module for item in MENU} == set(PAGES)


@pytest.mark.parametrize("role", list(Role))
def test_the_role_matrix(role: Role, customer_a_person: ContactPerson, password: str) -> None:
    # given a person with this role, logged in
    enable_with_password(customer_a_person, password, role=role)
    client = Client()
    portal_login(client, customer_a_person.organisation, customer_a_person.email, password)
    home = client.get("/portal/studio-a/").content.decode()

    for module, page in PAGES.items():
        response = client.get(f"/portal/studio-a/{page}")
        link = f'href="/portal/studio-a/{page}"'
        if module in ALLOWED[role]:
            assert response.status_code == 200, (role, module)
            assert link in home, (role, module)
        else:
            # then a page outside the role is a 404 and is not in the menu
            assert response.status_code == 404, (role, module)
            assert link not in home, (role, module)


def test_sections_the_organisation_turned_off_are_404_and_not_in_the_menu(
    portal_client: Client, org: Organisation
) -> None:
    org.portal_preferences.show_sales_orders = False
    org.portal_preferences.show_projects = False
    org.portal_preferences.save()

    home = portal_client.get("/portal/studio-a/").content.decode()

    for page in ("sales-orders", "projects", "timesheets"):
        assert portal_client.get(f"/portal/studio-a/{page}").status_code == 404
        assert f'href="/portal/studio-a/{page}"' not in home
    assert portal_client.get("/portal/studio-a/invoices").status_code == 200


def test_the_shell_shows_the_customer_and_a_logout_button(portal_client: Client) -> None:
    page = portal_client.get("/portal/studio-a/").content.decode()

    assert "Customer A" in page
    assert 'action="/portal/studio-a/logout"' in page
    assert "Studio A" in page


def test_a_disabled_person_gets_a_clear_page(
    portal_client: Client, active_person: ContactPerson
) -> None:
    from portico.activity import invitations

    invitations.portal_access_disable(person=active_person)
    client = Client()
    client.force_login(active_person.user)

    response = client.get("/portal/studio-a/")

    assert response.status_code == 403
    assert "access to this portal" in response.content.decode()


def test_a_deleted_customer_gets_cp1003(
    portal_client: Client, customer_a: Contact, password: str, active_person: ContactPerson
) -> None:
    customer_a.is_deleted = True
    customer_a.save()

    response = portal_client.get("/portal/studio-a/")
    login = portal_login(Client(), active_person.organisation, active_person.email, password)

    assert response.status_code == 403
    assert "CP1003" in response.content.decode()
    assert login.status_code == 403
    assert "CP1003" in login.content.decode()


def test_a_closed_portal_says_so(portal_client: Client, org: Organisation) -> None:
    org.portal_preferences.portal_enabled = False
    org.portal_preferences.save()

    response = portal_client.get("/portal/studio-a/")
    login = Client().get("/portal/studio-a/login")

    assert response.status_code == 403
    assert "portal is closed" in response.content.decode()
    assert login.status_code == 403


def test_a_logged_in_person_of_another_organisation_has_no_access_here(
    org: Organisation, other_org_person: ContactPerson, password: str
) -> None:
    enable_with_password(other_org_person, password)
    client = Client()
    assert (
        portal_login(
            client, other_org_person.organisation, other_org_person.email, password
        ).status_code
        == 302
    )

    response = client.get("/portal/studio-a/")

    assert response.status_code == 403
    assert "not as a client of Studio A" in response.content.decode()


def test_one_login_for_two_customers_chooses_and_can_switch(
    customer_a_person: ContactPerson, customer_b: Contact, password: str
) -> None:
    # given the same email as a person of customers A and B
    enable_with_password(customer_a_person, password)
    second = ContactPersonFactory(contact=customer_b, email=customer_a_person.email.upper())
    enable_with_password(second, password, role=Role.BILLING)
    assert second.user_id == customer_a_person.user_id
    client = Client()

    # when they log in, they are asked which customer to act for
    response = portal_login(
        client, customer_a_person.organisation, customer_a_person.email, password
    )
    to_choose = client.get(response["Location"])
    assert to_choose.status_code == 302
    assert to_choose["Location"].startswith("/portal/studio-a/choose")
    page = client.get(to_choose["Location"]).content.decode()
    assert "Customer A" in page and "Customer B" in page

    # then choosing B shows B only, with B's role
    chosen = client.post(
        "/portal/studio-a/choose", {"person": second.pk, "next": "/portal/studio-a/"}
    )
    assert chosen["Location"] == "/portal/studio-a/"
    home = client.get("/portal/studio-a/").content.decode()
    assert "Customer B" in home
    assert "Switch customer" in home
    assert client.get("/portal/studio-a/projects").status_code == 404

    # and switching to A works
    client.post("/portal/studio-a/choose", {"person": customer_a_person.pk})
    assert "Customer A" in client.get("/portal/studio-a/").content.decode()
    assert client.get("/portal/studio-a/projects").status_code == 200


def test_choosing_someone_elses_person_is_ignored(
    portal_client: Client, customer_b_person: ContactPerson, password: str
) -> None:
    enable_with_password(customer_b_person, password)

    portal_client.post("/portal/studio-a/choose", {"person": customer_b_person.pk})

    assert "Customer B" not in portal_client.get("/portal/studio-a/").content.decode()


def test_the_menu_offers_contact_and_review_and_hides_review_when_turned_off(
    portal_client: Client, org: Organisation
) -> None:
    home = portal_client.get("/portal/studio-a/").content.decode()
    assert 'href="/portal/studio-a/account/contact"' in home
    assert 'href="/portal/studio-a/account/review"' in home

    org.portal_preferences.allow_reviews = False
    org.portal_preferences.save()

    home = portal_client.get("/portal/studio-a/").content.decode()
    assert 'href="/portal/studio-a/account/contact"' in home
    assert 'href="/portal/studio-a/account/review"' not in home
