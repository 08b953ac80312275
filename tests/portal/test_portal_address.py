"""A portal whose address changed keeps answering its old address with a permanent redirect,
until another organisation takes that address."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from portico.orgs import services
from portico.orgs.models import Organisation, PortalAddressAlias
from tests.orgs.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def move(organisation: Organisation, new_slug: str) -> Organisation:
    previous = organisation.slug
    organisation.slug = new_slug
    return services.organisation_update(organisation=organisation, previous_slug=previous)


def test_the_old_address_redirects_to_the_same_page_at_the_new_one(org: Organisation) -> None:
    move(org, "studio-alpha")

    response = Client().get("/portal/studio-a/login?next=/portal/studio-a/invoices")

    assert response.status_code == 301
    assert response["Location"] == "/portal/studio-alpha/login?next=/portal/studio-a/invoices"
    assert Client().get("/portal/studio-alpha/login").status_code == 200


def test_a_logged_in_page_redirects_before_asking_for_a_login(org: Organisation) -> None:
    move(org, "studio-alpha")
    response = Client().get("/portal/studio-a/invoices")
    assert response.status_code == 301
    assert response["Location"] == "/portal/studio-alpha/invoices"


def test_a_form_post_keeps_its_method(org: Organisation) -> None:
    move(org, "studio-alpha")
    response = Client().post("/portal/studio-a/login", {"email": "a@b.example"})
    assert response.status_code == 308
    assert response["Location"] == "/portal/studio-alpha/login"


def test_every_former_address_leads_to_the_current_one(org: Organisation) -> None:
    move(org, "second")
    move(org, "third")
    assert Client().get("/portal/studio-a/login")["Location"] == "/portal/third/login"
    assert Client().get("/portal/second/login")["Location"] == "/portal/third/login"


def test_moving_back_to_a_former_address_drops_its_alias(org: Organisation) -> None:
    move(org, "second")
    move(org, "studio-a")
    assert not PortalAddressAlias.objects.filter(slug="studio-a").exists()
    assert Client().get("/portal/studio-a/login").status_code == 200
    assert Client().get("/portal/second/login")["Location"] == "/portal/studio-a/login"


def test_an_address_another_organisation_takes_is_theirs(org: Organisation) -> None:
    # given studio A moved away from "studio-a"
    move(org, "studio-alpha")

    # when a new organisation takes the old address
    newcomer = services.organisation_create(
        name="Newcomer", slug="studio-a", primary_email="hi@newcomer.example"
    )

    # then the address is the newcomer's portal, not a redirect
    response = Client().get("/portal/studio-a/login")
    assert response.status_code == 200
    assert newcomer.name in response.content.decode()
    assert not PortalAddressAlias.objects.filter(slug="studio-a").exists()


def test_a_live_address_wins_over_a_stale_alias(org: Organisation) -> None:
    # an alias left behind (say, rows written before the rule) never hides a live portal
    other = OrganisationFactory(name="Live One", slug="live-one")
    PortalAddressAlias.objects.create(organisation=org, slug="live-one")
    response = Client().get("/portal/live-one/login")
    assert response.status_code == 200
    assert other.name in response.content.decode()


def test_an_unknown_address_is_404(org: Organisation) -> None:
    assert Client().get("/portal/never-was/login").status_code == 404


def test_changing_the_address_in_the_back_office_records_the_old_one(
    owner_client: Client, org: Organisation
) -> None:
    url = reverse("admin:orgs_organisation_change", args=[org.pk])
    form = owner_client.get(url).context["adminform"].form
    data: dict[str, Any] = {
        name: ("" if value is None else value)
        for name, value in form.initial.items()
        if name in form.fields and name != "logo"
    }
    data["slug"] = "studio-renamed"

    response = owner_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    org.refresh_from_db()
    assert org.slug == "studio-renamed"
    assert PortalAddressAlias.objects.get(slug="studio-a").organisation == org
    assert "/portal/studio-a/ (they lead to the current address)" in (
        owner_client.get(url).content.decode()
    )
