"""Revise and resend from the back office, and the customer's "Revisions" in the portal."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from portico.activity import invitations
from portico.contacts.models import ContactPerson
from portico.sales import services
from portico.sales.models import Estimate, EstimateRevision
from tests.portal.conftest import portal_login
from tests.sales import factories as make

pytestmark = pytest.mark.django_db


def test_staff_revise_a_declined_estimate_and_see_the_old_revision(
    owner_client: Client, customer_a_person: ContactPerson
) -> None:
    # given an estimate the customer declined
    estimate = services.estimate_send(estimate=make.estimate(customer_a_person.contact, "900"))
    services.estimate_decline(estimate=estimate, reason="Over our budget")

    # when staff run "Revise" on it
    response = owner_client.post(
        reverse("admin:sales_estimate_changelist"),
        {"action": "revise", "_selected_action": [estimate.pk]},
    )

    # then it is a draft again and its page lists the earlier revision with the reason
    assert response.status_code == 302
    estimate.refresh_from_db()
    assert estimate.status == Estimate.Status.DRAFT
    page = owner_client.get(reverse("admin:sales_estimate_change", args=[estimate.pk]))
    html = page.content.decode()
    assert "Earlier revisions" in html and "Over our budget" in html and "$900.00" in html


def test_the_customer_sees_the_new_revision_and_its_history(
    customer_a_person: ContactPerson, password: str
) -> None:
    # given a declined estimate revised to a lower price and sent again
    person = invitations.portal_access_enable(person=customer_a_person, password=password)
    estimate = services.estimate_send(estimate=make.estimate(person.contact, "900"))
    services.estimate_decline(estimate=estimate, reason="Over our budget")
    services.estimate_revise(estimate=estimate)
    services.estimate_update(estimate=estimate, lines=[make.line("700.00")])
    services.estimate_send(estimate=estimate)

    # when the customer opens it in the portal
    client = Client()
    portal_login(client, person.organisation, person.email, password)
    page = client.get(f"/portal/{person.organisation.slug}/estimates/{estimate.public_id}")

    # then the new revision is open for an answer and the old one is listed
    html = page.content.decode()
    assert page.status_code == 200
    assert "$700.00" in html and 'id="accept"' in html
    assert 'id="revisions"' in html and "Revision 1" in html and "Over our budget" in html


def test_another_customers_revisions_never_show(
    customer_a_person: ContactPerson, customer_b_person: ContactPerson, password: str
) -> None:
    person = invitations.portal_access_enable(person=customer_a_person, password=password)
    theirs = services.estimate_send(estimate=make.estimate(customer_b_person.contact, "900"))
    services.estimate_revise(estimate=theirs, reason="Secret reason of B")
    services.estimate_send(estimate=theirs)

    client = Client()
    portal_login(client, person.organisation, person.email, password)
    page = client.get(f"/portal/{person.organisation.slug}/estimates/{theirs.public_id}")

    assert page.status_code == 404 and "Secret reason of B" not in page.content.decode()
    assert EstimateRevision.objects.count() == 1


def test_an_estimate_never_revised_shows_no_revisions_box(
    owner_client: Client, customer_a_person: ContactPerson
) -> None:
    estimate = services.estimate_send(estimate=make.estimate(customer_a_person.contact))
    page = owner_client.get(reverse("admin:sales_estimate_change", args=[estimate.pk]))
    assert "Earlier revisions" not in page.content.decode()
