"""Conversations where the document is: the thread on each document's change page, replies
shown in the portal by default, internal notes, files, and the organisation wall."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portico.activity.models import Comment
from portico.contacts.models import Contact, ContactPerson
from portico.orgs.models import Organisation
from portico.sales.models import Attachment
from tests.projects.factories import ProjectFactory, TimesheetApprovalFactory
from tests.sales import factories as make

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def customer_says(document: Any, person: ContactPerson, body: str, **target: Any) -> Comment:
    return Comment.objects.create(
        organisation=document.organisation,
        contact=person.contact,
        author_person=person,
        body=body,
        show_in_portal=True,
        **target,
    )


@pytest.mark.parametrize(
    ("make_document", "admin_name", "field"),
    [
        (lambda c: make.estimate(c), "sales_estimate", "estimate"),
        (lambda c: make.invoice(c), "sales_invoice", "invoice"),
        (lambda c: make.sales_order(c), "sales_salesorder", "sales_order"),
        (
            lambda c: TimesheetApprovalFactory(
                organisation=c.organisation, project=ProjectFactory(contact=c)
            ),
            "projects_timesheetapproval",
            "approval",
        ),
    ],
)
def test_each_document_page_shows_its_thread_and_takes_a_reply(
    owner_client: Client,
    customer_a_person: ContactPerson,
    make_document: Any,
    admin_name: str,
    field: str,
) -> None:
    # given a document the customer asked a question on
    document = make_document(customer_a_person.contact)
    customer_says(document, customer_a_person, "Is VAT included?", **{field: document})
    page = reverse(f"admin:{admin_name}_change", args=[document.pk])

    # when the owner opens it and replies (the box is ticked "show in portal")
    shown = owner_client.get(page).content.decode()
    reply = owner_client.post(
        reverse(f"admin:{admin_name}_comment", args=[document.pk]),
        {"body": "Yes, at 20%.", "show_in_portal": "on"},
    )

    # then the thread is on the page and the reply reaches the portal
    assert 'data-testid="thread"' in shown and "Is VAT included?" in shown
    assert 'name="show_in_portal" checked' in shown
    assert reply.status_code == 302 and reply["Location"].endswith("#thread")
    answer = Comment.objects.get(body="Yes, at 20%.")
    assert answer.show_in_portal and getattr(answer, f"{field}_id") == document.pk


def test_an_internal_note_with_a_file_stays_out_of_the_portal(
    owner_client: Client, customer_a: Contact
) -> None:
    invoice = make.invoice(customer_a)

    owner_client.post(
        reverse("admin:sales_invoice_comment", args=[invoice.pk]),
        {"body": "Chased by phone", "file": SimpleUploadedFile("call.pdf", PDF)},
    )

    note = Comment.objects.get()
    assert not note.show_in_portal
    attachment = Attachment.objects.get(comment=note)
    assert attachment.invoice_id == invoice.pk and not attachment.show_in_portal
    page = owner_client.get(reverse("admin:sales_invoice_change", args=[invoice.pk]))
    assert "internal note" in page.content.decode() and "call.pdf" in page.content.decode()


def test_an_empty_reply_is_refused(owner_client: Client, customer_a: Contact) -> None:
    invoice = make.invoice(customer_a)
    owner_client.post(reverse("admin:sales_invoice_comment", args=[invoice.pk]), {"body": " "})
    assert not Comment.objects.exists()


def test_another_organisations_document_is_404(
    owner_client: Client, other_org_customer: Contact
) -> None:
    foreign = make.invoice(other_org_customer)
    response = owner_client.post(
        reverse("admin:sales_invoice_comment", args=[foreign.pk]), {"body": "hello"}
    )
    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_a_read_only_member_reads_the_thread_but_cannot_post(
    org: Organisation, customer_a: Contact
) -> None:
    from portico.accounts.models import Membership
    from tests.accounts.factories import MembershipFactory

    reader = MembershipFactory(organisation=org, role=Membership.Role.READ_ONLY).user
    client = Client()
    client.force_login(reader)
    invoice = make.invoice(customer_a)

    page = client.get(reverse("admin:sales_invoice_change", args=[invoice.pk])).content.decode()
    post = client.post(reverse("admin:sales_invoice_comment", args=[invoice.pk]), {"body": "x"})

    assert 'data-testid="thread"' in page and 'name="body"' not in page
    assert post.status_code == 403 and not Comment.objects.exists()


def test_the_thread_costs_the_same_queries_at_two_sizes(
    owner_client: Client, customer_a_person: ContactPerson
) -> None:
    invoice = make.invoice(customer_a_person.contact)
    page = reverse("admin:sales_invoice_change", args=[invoice.pk])
    customer_says(invoice, customer_a_person, "one", invoice=invoice)
    owner_client.get(page)
    with CaptureQueriesContext(connection) as small:
        owner_client.get(page)
    for index in range(6):
        customer_says(invoice, customer_a_person, f"more {index}", invoice=invoice)
    with CaptureQueriesContext(connection) as large:
        owner_client.get(page)
    assert len(small) == len(large)


def test_the_header_counts_unread_notifications_and_each_links_to_its_document(
    owner_client: Client, org: Organisation, other_org: Organisation, customer_a: Contact
) -> None:
    from portico.activity.models import Notification

    invoice = make.invoice(customer_a)
    for index, organisation in enumerate([org, org, other_org]):
        Notification.objects.create(
            organisation=organisation,
            kind=Notification.Kind.COMMENTED,
            event_key=f"c:{index}",
            text="Customer A commented",
            contact=customer_a if organisation == org else None,
            invoice=invoice if organisation == org else None,
        )

    home = owner_client.get(reverse("admin:index")).content.decode()
    listing = owner_client.get(reverse("admin:activity_notification_changelist")).content.decode()

    assert "2 unread notifications" in home
    assert reverse("admin:sales_invoice_change", args=[invoice.pk]) in listing
