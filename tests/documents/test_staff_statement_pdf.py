"""The back office's statement PDF is the portal's (`documents.statement_pdfs`): a short one
downloads at once, a long one is never rendered by the request but by the worker while its
staff page shows progress, then the download; it can be emailed to one of the customer's
persons; the same PDF is kept until the ledger moves on; another organisation's is a 404."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from portico.accounts.models import Membership
from portico.contacts.models import Contact, ContactPerson
from portico.documents import statement_pdfs
from portico.documents.models import StatementPdf
from portico.orgs.models import Organisation
from portico.payments import services as payments
from tests.accounts.factories import MembershipFactory
from tests.documents.conftest import D, pdf_text
from tests.sales import factories as make

pytestmark = pytest.mark.django_db
PERIOD = "?start=2026-02-01&end=2026-02-28"
Status = StatementPdf.Status


def lines(renders: list[Any]) -> list[int]:
    return [len(statement.lines) for statement in renders]


def pdf_url(contact: Contact) -> str:
    return (
        reverse("backoffice_documents:statement_pdf", kwargs={"contact_id": contact.public_id})
        + PERIOD
    )


def page_url(job: StatementPdf, action: str = "") -> str:
    name = f"backoffice_documents:statement_pdf_{action or 'status'}"
    return reverse(name, kwargs={"statement_pdf_id": job.public_id})


def test_a_short_statement_downloads_at_once_and_is_kept(
    owner_client: Client, february: Contact, renders: list[Any]
) -> None:
    # when staff ask for a two-line statement's PDF
    first = owner_client.get(pdf_url(february))
    # then it is rendered in the request and downloaded, named after the customer
    assert first.status_code == 200 and first["Content-Type"] == "application/pdf"
    assert first["Cache-Control"] == "private, no-store"
    assert first["Content-Disposition"] == (
        'attachment; filename="statement-Customer_A-2026-02-01-2026-02-28.pdf"'
    )
    assert "INV-" in pdf_text(first.content)
    # and asking again serves the kept PDF without rendering it again
    again = owner_client.get(pdf_url(february))
    assert again.content == first.content and lines(renders) == [2]
    assert StatementPdf.objects.get().status == Status.READY


def test_a_long_statement_is_queued_never_rendered_in_the_request_then_offered(
    owner_client: Client,
    february: Contact,
    long_statements: None,
    renders: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    # when staff ask for a statement too long for the request (the worker not run yet)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        asked = owner_client.get(pdf_url(february))
    # then the request rendered nothing and sent them to the statement's page
    assert renders == [] and len(queued) == 1
    job = StatementPdf.objects.get()
    assert job.status == Status.PREPARING and job.lines == 2
    assert asked.status_code == 302 and asked["Location"] == page_url(job)
    # which says it is being prepared, refreshes itself, and offers no download yet
    waiting = owner_client.get(page_url(job))
    assert waiting.status_code == 200 and waiting["Refresh"] == "2"
    page = waiting.content.decode()
    assert "Preparing the statement…" in page and "Customer A" in page
    assert page_url(job, "download") not in page
    assert owner_client.get(page_url(job, "download"))["Location"] == page_url(job)
    # and asking again while it is prepared queues and renders nothing more
    with django_capture_on_commit_callbacks(execute=False) as again:
        assert owner_client.get(pdf_url(february))["Location"] == page_url(job)
    assert again == [] and renders == []
    # when the worker renders it
    with django_capture_on_commit_callbacks(execute=True):
        for callback in queued:
            callback()
    # then the page stops refreshing and offers the download
    ready = owner_client.get(page_url(job))
    assert not ready.has_header("Refresh")
    assert "The statement is ready." in ready.content.decode()
    assert page_url(job, "download") in ready.content.decode()
    download = owner_client.get(page_url(job, "download"))
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    assert lines(renders) == [2]


def test_the_same_pdf_is_kept_until_the_ledger_moves_on(
    owner_client: Client, february: Contact, renders: list[Any]
) -> None:
    first = owner_client.get(pdf_url(february)).content
    assert owner_client.get(pdf_url(february)).content == first
    # when a payment is posted to the customer's ledger
    payments.payment_record(
        contact=february,
        date=D(2026, 2, 20),
        amount=Decimal("80.00"),
        mode="bank_transfer",
        allocations=[],
    )
    # then the same period is rendered afresh, with the payment
    second = owner_client.get(pdf_url(february)).content
    assert "Payments received $80.00" in pdf_text(second)
    assert "Payments received $0.00" in pdf_text(first)
    assert lines(renders) == [2, 3]
    assert StatementPdf.objects.filter(contact=february).count() == 2


def test_staff_and_the_customer_share_one_kept_pdf(
    owner_client: Client, portal_client: Client, org: Organisation, february: Contact
) -> None:
    staff = owner_client.get(pdf_url(february))
    portal = portal_client.get(
        reverse("portal:statement_pdf", kwargs={"org_slug": org.slug}) + PERIOD
    )
    assert portal.status_code == 200 and portal.content == staff.content
    assert StatementPdf.objects.count() == 1


def test_staff_have_a_long_statement_emailed_to_a_person_when_ready_and_once(
    owner_client: Client,
    february: Contact,
    customer_a_person: ContactPerson,
    long_statements: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a statement being prepared, whose page offers the customer's persons
    with django_capture_on_commit_callbacks(execute=False) as queued:
        owner_client.get(pdf_url(february))
    job = StatementPdf.objects.get()
    page = owner_client.get(page_url(job)).content.decode()
    assert "Email it when ready" in page and customer_a_person.email in page
    # when staff have it emailed to the person, twice
    for _ in range(2):
        emailed = owner_client.post(page_url(job, "email"), {"person": customer_a_person.pk})
        assert emailed.status_code == 302 and emailed["Location"] == page_url(job)
    page = owner_client.get(page_url(job)).content.decode()
    assert f"emailed to {customer_a_person.email} when it is ready" in page
    assert mail.outbox == []
    # and the worker renders it
    with django_capture_on_commit_callbacks(execute=True):
        for callback in queued:
            callback()
    # then the person got it once, attached, without a portal link they could not open
    assert [m.to for m in mail.outbox] == [[customer_a_person.email]]
    message = mail.outbox[0]
    assert message.attachments[0][1].startswith(b"%PDF")
    assert "/portal/" not in str(message.body)


def test_a_person_of_another_customer_cannot_be_chosen(
    owner_client: Client, february: Contact, customer_b_person: ContactPerson
) -> None:
    owner_client.get(pdf_url(february))
    job = StatementPdf.objects.get()
    refused = owner_client.post(page_url(job, "email"), {"person": customer_b_person.pk})
    assert refused.status_code == 400
    assert StatementPdf.objects.get().email_to == [] and mail.outbox == []


def test_a_read_only_member_downloads_but_does_not_email(
    org: Organisation, february: Contact, customer_a_person: ContactPerson
) -> None:
    reader = MembershipFactory(
        organisation=org, role=Membership.Role.READ_ONLY, user__email="reader@studio-a.example"
    ).user
    client = Client()
    client.force_login(reader)
    assert client.get(pdf_url(february)).status_code == 200
    job = StatementPdf.objects.get()
    page = client.get(page_url(job))
    assert page.status_code == 200 and "Email it" not in page.content.decode()
    assert client.get(page_url(job, "download")).status_code == 200
    assert client.post(page_url(job, "email"), {"person": customer_a_person.pk}).status_code == 403


def test_another_organisations_statement_is_a_404(
    owner_client: Client,
    february: Contact,
    other_org_customer: Contact,
    outsider: Any,
    portal_client: Client,
) -> None:
    make.invoice(other_org_customer, "50.00", issue_date=D(2026, 2, 3))
    assert owner_client.get(pdf_url(other_org_customer)).status_code == 404
    theirs = statement_pdfs.statement_pdf_prepare(
        organisation=other_org_customer.organisation,
        contact=other_org_customer,
        start=D(2026, 2, 1),
        end=D(2026, 2, 28),
        language="en",
    )
    for action in ("", "download"):
        assert owner_client.get(page_url(theirs, action)).status_code == 404
    assert owner_client.post(page_url(theirs, "email")).status_code == 404
    # and neither organisation A's customer nor B's staff reach A's statement
    outsider_client = Client()
    outsider_client.force_login(outsider)
    for client in (portal_client, outsider_client):
        assert client.get(pdf_url(february)).status_code == 404
