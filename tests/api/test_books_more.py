"""The Books API's other documents, projects and time, notifications, comments and persons."""

from __future__ import annotations

import pytest

from portico.accounts import api_keys
from portico.accounts.models import User
from portico.activity.models import Comment
from portico.contacts.models import Contact, ContactPerson
from portico.orgs.models import Organisation
from portico.projects.models import TimesheetApproval
from tests.api.conftest import Api
from tests.projects.factories import ProjectFactory
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db
LINES = [{"description": "Work", "quantity": "1", "rate": "80.00"}]


def test_an_estimate_is_created_and_sent(
    books: Api, customer_a: Contact, customer_a_person: ContactPerson
) -> None:
    created = books.post(
        "/books/estimates",
        {"contact": str(customer_a.public_id), "issue_date": "2026-01-15", "lines": LINES},
        headers={"Idempotency-Key": "est"},
    )
    assert created.status_code == 201, created.content
    sent = books.post(f"/books/estimates/{created.json()['id']}/send")
    assert sent.json()["status"] == "sent"
    listed = books.get("/books/estimates", status="sent").json()
    assert [e["id"] for e in listed["items"]] == [created.json()["id"]]


def test_a_credit_note_is_created_opened_and_voided(books: Api, customer_a: Contact) -> None:
    created = books.post(
        "/books/credit-notes",
        {"contact": str(customer_a.public_id), "issue_date": "2026-01-15", "lines": LINES},
        headers={"Idempotency-Key": "cn"},
    )
    assert created.status_code == 201, created.content
    note_id = created.json()["id"]
    assert books.post(f"/books/credit-notes/{note_id}/open").json()["status"] == "open"
    assert books.post(f"/books/credit-notes/{note_id}/void").json()["status"] == "void"


def test_time_is_logged_and_sent_for_approval(
    books: Api, org: Organisation, customer_a: Contact
) -> None:
    project = books.post(
        "/books/projects",
        {"contact": str(customer_a.public_id), "name": "Website"},
        headers={"Idempotency-Key": "p"},
    )
    assert project.status_code == 201, project.content
    entry = books.post(
        "/books/time-entries",
        {"project": project.json()["id"], "date": "2026-01-16", "hours": "2.5", "task": "Design"},
        headers={"Idempotency-Key": "t"},
    )
    assert entry.status_code == 201, entry.content
    approval = books.post(
        "/books/timesheet-approvals",
        {"project": project.json()["id"]},
        headers={"Idempotency-Key": "a"},
    )
    assert approval.status_code == 201, approval.content
    assert TimesheetApproval.objects.get().entries.count() == 1
    assert books.get("/books/projects").json()["count"] == 1


def test_another_organisations_project_takes_no_time(
    books: Api, other_org_customer: Contact
) -> None:
    project = ProjectFactory(contact=other_org_customer)
    response = books.post(
        "/books/time-entries",
        {"project": str(project.public_id), "date": "2026-01-16", "hours": "1", "task": "x"},
        headers={"Idempotency-Key": "t"},
    )
    assert response.status_code == 404


def test_a_staff_comment_is_shown_in_the_portal_when_asked(
    org: Organisation, owner: User, customer_a: Contact
) -> None:
    _key, secret = api_keys.api_key_create(organisation=org, name="Desk", created_by=owner)
    invoice = sales.invoice(customer_a)
    response = Api(secret).post(
        "/books/comments",
        {
            "target_type": "invoice",
            "target_id": str(invoice.public_id),
            "body": "Thanks!",
            "show_in_portal": True,
        },
        headers={"Idempotency-Key": "c"},
    )
    assert response.status_code == 201, response.content
    comment = Comment.objects.get()
    assert comment.show_in_portal and comment.author_user == owner


def test_a_comment_on_another_organisations_invoice_is_404(
    org: Organisation, owner: User, other_org_customer: Contact
) -> None:
    _key, secret = api_keys.api_key_create(organisation=org, name="Desk", created_by=owner)
    invoice = sales.invoice(other_org_customer)
    response = Api(secret).post(
        "/books/comments",
        {"target_type": "invoice", "target_id": str(invoice.public_id), "body": "Hi"},
        headers={"Idempotency-Key": "c"},
    )
    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_bulk_enable_says_who_was_skipped_and_why(
    books: Api,
    customer_a_person: ContactPerson,
    customer_b: Contact,
    other_org_person: ContactPerson,
) -> None:
    no_email = ContactPerson.objects.create(
        organisation=customer_b.organisation, contact=customer_b, first_name="Nomail"
    )
    response = books.post(
        "/books/portal/enable",
        {
            "persons": [
                str(customer_a_person.public_id),
                str(no_email.public_id),
                str(other_org_person.public_id),
            ]
        },
    )
    body = response.json()
    assert response.status_code == 200, body
    assert body["enabled"] == [str(customer_a_person.public_id)]
    skipped = {s["id"]: s["reason"] for s in body["skipped"]}
    assert set(skipped) == {str(no_email.public_id), str(other_org_person.public_id)}
    other_org_person.refresh_from_db()
    assert other_org_person.portal_status == ContactPerson.PortalStatus.NOT_ENABLED


def test_a_person_is_updated(books: Api, customer_a_person: ContactPerson) -> None:
    response = books.patch(f"/books/persons/{customer_a_person.public_id}", {"last_name": "Lee"})
    assert response.status_code == 200
    assert response.json()["last_name"] == "Lee"


def test_notifications_are_listed(books: Api, org: Organisation, customer_a: Contact) -> None:
    from portico.activity import services as activity_services

    activity_services.notification_create(
        organisation=org,
        kind="reviewed",
        event_key="review-1",
        text="Customer A wrote a review.",
        contact=customer_a,
    )
    body = books.get("/books/notifications", unread=True).json()
    assert body["count"] == 1
    assert body["items"][0]["text"] == "Customer A wrote a review."


def test_a_notifications_text_keeps_its_parts_isolates_and_drops_other_controls(
    books: Api, org: Organisation, customer_a: Contact
) -> None:
    from portico.activity import services as activity_services

    # given an older notification: a part between isolates, an override and a stray isolate
    fsi, pdi, rlo, lri = "\u2068", "\u2069", "\u202e", "\u2066"
    activity_services.notification_create(
        organisation=org,
        kind="reviewed",
        event_key="review-older",
        text=f"{fsi}Acme{rlo}{pdi} wrote a {lri}review.",
        contact=customer_a,
    )
    # then the API serves the part between its isolates, and nothing else invisible
    (item,) = books.get("/books/notifications").json()["items"]
    assert item["text"] == f"{fsi}Acme{pdi} wrote a review."
