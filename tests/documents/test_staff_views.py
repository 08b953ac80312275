"""Back office: print views, PDFs, Send and attachments, scoped to the
staff member's organisation."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from portico.contacts.models import Contact, ContactPerson
from portico.documents.kinds import KINDS
from portico.sales.models import Attachment
from tests.documents.conftest import pdf_text
from tests.sales import factories as make

pytestmark = pytest.mark.django_db


def url(name: str, kind: str, document: Any) -> str:
    return reverse(
        f"backoffice_documents:{name}", kwargs={"kind": kind, "public_id": document.public_id}
    )


@pytest.mark.parametrize("kind", list(KINDS))
def test_staff_print_and_download_every_kind(
    teammate_client: Client, documents: dict[str, Any], kind: str
) -> None:
    document = documents[kind]
    page = teammate_client.get(url("print", kind, document))
    assert page.status_code == 200 and document.number in page.content.decode()
    download = teammate_client.get(url("pdf", kind, document))
    assert download.status_code == 200 and download["Cache-Control"] == "private, no-store"
    assert document.number in pdf_text(download.content)


def test_staff_see_drafts_but_not_another_organisations_documents(
    owner_client: Client, customer_a: Contact, other_org_customer: Contact
) -> None:
    draft = make.invoice(customer_a, "10.00", send=False)
    assert owner_client.get(url("pdf", "invoice", draft)).status_code == 200
    theirs = make.invoice(other_org_customer, "10.00")
    for name in ("print", "pdf", "send"):
        assert owner_client.get(url(name, "invoice", theirs)).status_code == 404


def test_customers_and_outsiders_cannot_open_staff_pages(
    outsider: Any, documents: dict[str, Any], portal_client: Client
) -> None:
    client = Client()
    client.force_login(outsider)
    assert client.get(url("pdf", "invoice", documents["invoice"])).status_code == 404
    assert portal_client.get(url("pdf", "invoice", documents["invoice"])).status_code == 404


def test_the_send_page_ticks_the_default_recipients_and_sends_with_the_pdf_and_portal_link(
    owner_client: Client,
    customer_a: Contact,
    customer_a_person: ContactPerson,
    documents: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a second person who does not receive documents by email
    dee = ContactPerson.objects.create(
        organisation=customer_a.organisation,
        contact=customer_a,
        first_name="Dee",
        email="dee@customer-a.example",
    )
    invoice = documents["invoice"]
    page = owner_client.get(url("send", "invoice", invoice))
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["persons"] == [customer_a_person.pk]
    assert "{document_number}" in form.initial["subject"]
    # when the owner sends to both persons
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(
            url("send", "invoice", invoice),
            {
                "persons": [customer_a_person.pk, dee.pk],
                "cc": "",
                "subject": form.initial["subject"],
                "message": form.initial["message"],
                "attach_pdf": "on",
                "key": form.initial["key"],
            },
        )
    # then each gets the email with the PDF and the portal page of the invoice
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == [
        "ann@customer-a.example",
        "dee@customer-a.example",
    ]
    message = mail.outbox[0]
    assert f"/portal/{customer_a.organisation.slug}/" in message.body
    assert "/print" not in message.body
    assert message.attachments[0][0] == f"invoice-{invoice.number}.pdf"


def test_a_malformed_cc_is_a_field_error_and_nothing_is_sent(
    owner_client: Client, customer_a_person: ContactPerson, documents: dict[str, Any]
) -> None:
    invoice = documents["invoice"]
    form = owner_client.get(url("send", "invoice", invoice)).context["form"]
    response = owner_client.post(
        url("send", "invoice", invoice),
        {
            "persons": [customer_a_person.pk],
            "cc": "boss@customer-a.example, not-an-address",
            "subject": "Invoice {document_number}",
            "message": "Hello {contact_name}",
            "key": form.initial["key"],
        },
    )
    assert response.status_code == 400
    assert "not-an-address is not a valid email address." in response.context["form"].errors["cc"]
    assert mail.outbox == []


def test_an_unknown_placeholder_is_a_field_error(
    owner_client: Client, customer_a_person: ContactPerson, documents: dict[str, Any]
) -> None:
    invoice = documents["invoice"]
    form = owner_client.get(url("send", "invoice", invoice)).context["form"]
    response = owner_client.post(
        url("send", "invoice", invoice),
        {
            "persons": [customer_a_person.pk],
            "subject": "Invoice {invoice_nr}",
            "message": "Hello",
            "key": form.initial["key"],
        },
    )
    assert response.status_code == 400
    assert "{invoice_nr}" in str(response.context["form"].errors["subject"])


def test_payments_have_no_send_page(owner_client: Client, documents: dict[str, Any]) -> None:
    assert owner_client.get(url("send", "payment", documents["payment"])).status_code == 404


def test_staff_attach_a_file_hidden_from_the_portal(
    owner_client: Client, documents: dict[str, Any], portal_client: Client
) -> None:
    estimate = documents["estimate"]
    response = owner_client.post(
        url("upload", "estimate", estimate),
        {"file": SimpleUploadedFile("scope.txt", b"Scope of work")},
    )
    assert response.status_code == 302
    stored = Attachment.objects.get(estimate=estimate)
    assert stored.show_in_portal is False
    download = owner_client.get(
        reverse("backoffice_documents:file", kwargs={"attachment_id": stored.public_id})
    )
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment;")
    org_slug = estimate.organisation.slug
    hidden = portal_client.get(
        reverse(
            "portal:document_attachment",
            kwargs={"org_slug": org_slug, "attachment_id": stored.public_id},
        )
    )
    assert hidden.status_code == 404


def test_staff_download_a_statement(
    owner_client: Client, customer_a: Contact, documents: dict[str, Any]
) -> None:
    response = owner_client.get(
        reverse("backoffice_documents:statement_pdf", kwargs={"contact_id": customer_a.public_id})
        + "?start=2026-01-01&end=2026-12-31"
    )
    assert response.status_code == 200
    assert "Customer A" in pdf_text(response.content)


def test_the_list_action_sends_each_selected_document_once_even_when_submitted_twice(
    owner_client: Client,
    customer_a: Contact,
    customer_a_person: ContactPerson,
    customer_b_person: ContactPerson,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a draft invoice of customer A and a sent one of customer B
    draft = make.invoice(customer_a, "10.00", send=False)
    sent = make.invoice(customer_b_person.contact, "20.00")
    changelist = reverse("admin:sales_invoice_changelist")
    post = {"action": "send_by_email", "_selected_action": [draft.pk, sent.pk]}
    # when the owner runs "Send by email" on both, and the form is submitted again
    with django_capture_on_commit_callbacks(execute=True):
        assert owner_client.post(changelist, post).status_code == 302
        assert owner_client.post(changelist, post).status_code == 302
    # then each went to its default recipient once, and the draft is now sent
    assert sorted(m.to[0] for m in mail.outbox) == [
        "ann@customer-a.example",
        "bob@customer-b.example",
    ]
    draft.refresh_from_db()
    assert draft.status == "sent"


def test_submitting_the_send_form_twice_sends_once(
    owner_client: Client,
    customer_a_person: ContactPerson,
    documents: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    estimate = documents["estimate"]
    form = owner_client.get(url("send", "estimate", estimate)).context["form"]
    data = {
        "persons": [customer_a_person.pk],
        "subject": form.initial["subject"],
        "message": form.initial["message"],
        "key": form.initial["key"],
    }
    with django_capture_on_commit_callbacks(execute=True):
        first = owner_client.post(url("send", "estimate", estimate), data)
        second = owner_client.post(url("send", "estimate", estimate), data, follow=True)
    assert first.status_code == 302
    assert "it was not sent again" in second.content.decode()
    assert len(mail.outbox) == 1
    assert not mail.outbox[0].attachments  # "attach PDF" was left off
