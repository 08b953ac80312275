"""The customer's page in the back office: balances, persons and their portal, what the customer
said and did, their latest documents, the statement links, and a read-only portal preview."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portico.activity import invitations
from portico.activity.models import ActivityLog, Comment, Notification
from portico.contacts.models import Contact, ContactPerson, Review
from portico.orgs.models import Organisation
from portico.sales import services as sales_services
from portico.sales.models import Estimate
from tests.contacts.factories import ContactPersonFactory
from tests.payments import factories as payments
from tests.sales import factories as make

pytestmark = pytest.mark.django_db

Status = ContactPerson.PortalStatus


def change_url(contact: Contact) -> str:
    return reverse("admin:contacts_contact_change", args=[contact.pk])


def overview_html(client: Client, contact: Contact) -> str:
    response = client.get(change_url(contact))
    assert response.status_code == 200
    page = response.content.decode()
    start = page.index('data-testid="customer-overview"')
    return page[start : page.index('id="contact_form"')]


def history(contact: Contact, size: int) -> None:
    """`size` of each thing a customer accumulates."""
    person = ContactPerson.objects.filter(contact=contact).first() or ContactPersonFactory(
        contact=contact
    )
    for index in range(size):
        invoice = make.invoice(contact, "100.00", due_date=make.DAY + datetime.timedelta(days=1))
        make.estimate(contact, "40.00")
        make.sales_order(contact)
        payments.payment(contact, "10.00")
        ContactPersonFactory(contact=contact, email=f"p{index}-{size}@customer.example")
        Comment.objects.create(
            organisation=contact.organisation,
            contact=contact,
            invoice=invoice,
            author_person=person,
            body=f"Question {index}",
            show_in_portal=True,
        )
        ActivityLog.objects.create(
            organisation=contact.organisation, contact=contact, person=person, action="viewed"
        )


def test_the_balances_come_from_the_ledger_and_the_aging_in_the_customers_currency(
    owner_client: Client, org: Organisation
) -> None:
    # given a euro customer with an overdue invoice, a current one and an unallocated payment
    customer = make.customer(org)
    customer.currency = "EUR"
    customer.save()
    make.invoice(customer, "1412.13", due_date=make.DAY)
    make.invoice(customer, "300.00", due_date=datetime.date(2099, 1, 31))
    payments.payment(customer, "2000.00")  # recorded without allocations: credit

    # when the owner opens the customer
    page = overview_html(owner_client, customer)

    # then the figures are the ones the ledger and the statement know, as money
    assert 'data-figure="outstanding">€1,712.13' in page
    assert 'data-figure="overdue">€1,412.13' in page
    assert 'data-figure="credit">€2,000.00' in page
    assert 'data-figure="last-payment">€2,000.00' in page


def test_overdue_and_outstanding_are_shown_apart(owner_client: Client, customer_a: Contact) -> None:
    make.invoice(customer_a, "100.00", due_date=make.DAY)
    make.invoice(customer_a, "50.00", due_date=datetime.date(2099, 1, 31))

    page = overview_html(owner_client, customer_a)

    assert 'data-figure="outstanding">$150.00' in page
    assert 'data-figure="overdue">$100.00' in page


def test_persons_reviews_comments_activity_documents_and_statement_are_shown(
    owner_client: Client, customer_a: Contact, customer_a_person: ContactPerson
) -> None:
    estimate = make.estimate(customer_a, "75.00")
    Review.objects.create(
        organisation=customer_a.organisation,
        contact=customer_a,
        person=customer_a_person,
        rating=4,
        text="Quick and kind",
    )
    Comment.objects.create(
        organisation=customer_a.organisation,
        contact=customer_a,
        estimate=estimate,
        author_person=customer_a_person,
        body="Can we start in May?",
        show_in_portal=True,
    )
    ActivityLog.objects.create(
        organisation=customer_a.organisation,
        contact=customer_a,
        person=customer_a_person,
        action="accepted",
        target_label=estimate.number,
    )

    page = overview_html(owner_client, customer_a)

    assert "ann@customer-a.example" in page and "Not enabled" in page
    assert "★★★★☆" in page and "Quick and kind" in page
    assert "Can we start in May?" in page
    assert reverse("admin:sales_estimate_change", args=[estimate.pk]) in page
    assert "accepted" in page and estimate.number in page
    assert "$75.00" in page
    assert reverse("backoffice_documents:statement_pdf", args=[customer_a.public_id]) in page
    assert "<script" not in page.replace('<script id="line-items-data"', "")


def test_the_document_links_open_a_filtered_list(
    owner_client: Client, customer_a: Contact, customer_b: Contact
) -> None:
    mine = make.invoice(customer_a)
    theirs = make.invoice(customer_b)
    page = overview_html(owner_client, customer_a)
    url = page.split('<h3>Invoices <a class="overview-muted" href="')[1].split('"')[0]

    listing = owner_client.get(url.replace("&amp;", "&"))

    assert listing.status_code == 200
    shown = [invoice.pk for invoice in listing.context["cl"].result_list]
    assert mine.pk in shown and theirs.pk not in shown


def test_the_page_costs_the_same_queries_at_two_sizes(
    owner_client: Client, customer_a: Contact
) -> None:
    # given a customer with a little history, then with more of everything
    history(customer_a, 1)
    owner_client.get(change_url(customer_a))  # warm the session and caches
    with CaptureQueriesContext(connection) as small:
        owner_client.get(change_url(customer_a))
    history(customer_a, 4)
    with CaptureQueriesContext(connection) as large:
        owner_client.get(change_url(customer_a))

    # then the page asks the database as many times
    assert len(small) == len(large), [q["sql"][:120] for q in large.captured_queries]


def test_the_overview_selector_takes_a_fixed_number_of_queries(
    django_assert_num_queries: Any, customer_a: Contact
) -> None:
    from portico.backoffice import customer_overview

    history(customer_a, 1)
    with django_assert_num_queries(12):
        customer_overview.overview_for(contact=customer_a)
    history(customer_a, 5)
    with django_assert_num_queries(12):
        customer_overview.overview_for(contact=customer_a)


# --- portal access from the overview ---------------------------------------------------------


def access(client: Client, person: ContactPerson, action: str) -> Any:
    return client.post(
        reverse("admin:contacts_contact_portal_access", args=[person.contact_id]),
        {"person": person.pk, "action": action},
    )


def test_invite_reinvite_and_disable_go_through_the_invitation_services(
    owner_client: Client, customer_a_person: ContactPerson, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = access(owner_client, customer_a_person, "invite")
    assert response.status_code == 302
    customer_a_person.refresh_from_db()
    assert customer_a_person.portal_status == Status.INVITED
    assert len(mail.outbox) == 1

    with django_capture_on_commit_callbacks(execute=True):
        access(owner_client, customer_a_person, "reinvite")
    assert len(mail.outbox) == 2

    access(owner_client, customer_a_person, "disable")
    customer_a_person.refresh_from_db()
    assert customer_a_person.portal_status == Status.DISABLED


def test_a_person_of_another_customer_cannot_be_named(
    owner_client: Client, customer_a: Contact, customer_b_person: ContactPerson
) -> None:
    response = owner_client.post(
        reverse("admin:contacts_contact_portal_access", args=[customer_a.pk]),
        {"person": customer_b_person.pk, "action": "invite"},
    )
    assert response.status_code == 404
    customer_b_person.refresh_from_db()
    assert customer_b_person.portal_status == Status.NOT_ENABLED


def test_another_organisations_customer_is_404(
    owner_client: Client, other_org_person: ContactPerson
) -> None:
    assert access(owner_client, other_org_person, "invite").status_code == 404
    preview = owner_client.post(
        reverse("admin:contacts_contact_portal_preview", args=[other_org_person.contact_id]),
        {"person": other_org_person.pk},
    )
    assert preview.status_code == 404


# --- the staff preview of the portal ---------------------------------------------------------


@pytest.fixture
def active(customer_a_person: ContactPerson, password: str) -> ContactPerson:
    return invitations.portal_access_enable(person=customer_a_person, password=password)


def start_preview(client: Client, person: ContactPerson) -> Any:
    return client.post(
        reverse("admin:contacts_contact_portal_preview", args=[person.contact_id]),
        {"person": person.pk},
    )


def test_the_preview_is_logged_bannered_and_marks_nothing_viewed(
    owner_client: Client, active: ContactPerson, org: Organisation
) -> None:
    # given a sent estimate the customer has not opened
    estimate = make.estimate(active.contact, "120.00")
    sales_services.estimate_send(estimate=estimate)

    # when the owner previews the portal as the customer and opens the estimate
    start = start_preview(owner_client, active)
    home = owner_client.get(start["Location"])
    detail = owner_client.get(f"/portal/{org.slug}/estimates/{estimate.public_id}")

    # then the pages show, bannered, and nothing counts as the customer's
    assert start.status_code == 302 and home.status_code == 200
    assert 'data-testid="staff-preview"' in home.content.decode()
    assert detail.status_code == 200 and "$120.00" in detail.content.decode()
    estimate.refresh_from_db()
    assert estimate.first_viewed_at is None and estimate.status == Estimate.Status.SENT
    assert not Notification.objects.filter(organisation=org).exists()
    log = ActivityLog.objects.get(contact=active.contact, action="staff_preview")
    assert log.action == "staff_preview" and "owner@studio-a.example" in log.detail


def test_the_preview_cannot_post_anything(
    owner_client: Client, active: ContactPerson, org: Organisation
) -> None:
    estimate = make.estimate(active.contact, "120.00")
    sales_services.estimate_send(estimate=estimate)
    start_preview(owner_client, active)

    accept = owner_client.post(
        f"/portal/{org.slug}/estimates/{estimate.public_id}/accept", {"name": "Staff"}
    )
    comment = owner_client.post(
        f"/portal/{org.slug}/estimates/{estimate.public_id}/comments", {"body": "hi"}
    )

    assert accept.status_code == 403 and "staff preview" in accept.content.decode()
    assert comment.status_code in (403, 404)
    estimate.refresh_from_db()
    assert estimate.status == Estimate.Status.SENT
    assert not Comment.objects.exists()


def test_a_person_without_portal_access_cannot_be_previewed(
    owner_client: Client, customer_a_person: ContactPerson, org: Organisation
) -> None:
    response = start_preview(owner_client, customer_a_person)

    assert response.status_code == 302
    assert response["Location"] == change_url(customer_a_person.contact)
    assert owner_client.get(f"/portal/{org.slug}/").status_code != 200


def test_a_preview_of_another_organisation_is_never_resolved(
    outsider: Any, active: ContactPerson, org: Organisation
) -> None:
    # given organisation B's owner with organisation A's person planted in the session
    from portico.contacts.scope import preview_session_key

    client = Client()
    client.force_login(outsider)
    session = client.session
    session[preview_session_key(org.pk)] = active.pk
    session.save()

    # when they open organisation A's portal, then they are not let in
    assert client.get(f"/portal/{org.slug}/").status_code != 200


def test_the_preview_service_refuses_writes_for_a_preview_scope(
    active: ContactPerson, org: Organisation
) -> None:
    from portico.activity import services as activity_services
    from portico.contacts.scope import PortalScope
    from portico.core.errors import DomainError

    scope = PortalScope(org, active.contact, active, preview=True)
    estimate = make.estimate(active.contact, "10.00")
    sales_services.estimate_send(estimate=estimate)

    assert activity_services.document_mark_viewed(scope=scope, document=estimate) is False
    with pytest.raises(DomainError) as refused:
        activity_services.comment_add_from_portal(scope=scope, target=estimate, body="hello")
    assert refused.value.code == "staff_preview"
    assert Decimal(estimate.total) == Decimal("10.00")
