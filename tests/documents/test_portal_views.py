"""Portal: print view, PDF, forward and files, always through the scope."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from portico.contacts.models import Contact, ContactPerson
from portico.core import uploads
from portico.documents.kinds import KINDS
from portico.orgs.models import Organisation
from portico.sales.models import Attachment
from tests.documents.conftest import pdf_text
from tests.sales import factories as make

pytestmark = pytest.mark.django_db


def url(name: str, org: Organisation, document: Any, kind: str | None = None) -> str:
    kind = kind or next(
        k
        for k, v in KINDS.items()
        if isinstance(document, v.model)
        and all(getattr(document, f) == x for f, x in v.only.items())
    )
    return reverse(
        f"portal:{name}",
        kwargs={"org_slug": org.slug, "kind": kind, "public_id": document.public_id},
    )


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_prints_and_downloads(
    portal_client: Client, org: Organisation, documents: dict[str, Any], kind: str
) -> None:
    document = documents[kind]
    page = portal_client.get(url("document_print", org, document, kind))
    assert page.status_code == 200
    assert document.number in page.content.decode()
    assert "style=" not in page.content.decode() and "<style" not in page.content.decode()
    download = portal_client.get(url("document_pdf", org, document, kind))
    assert download.status_code == 200
    assert download["Content-Disposition"] == f'attachment; filename="{kind}-{document.number}.pdf"'
    assert download["Cache-Control"] == "private, no-store"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert document.number in pdf_text(download.content)


def test_another_customers_document_is_a_404(
    portal_client: Client, org: Organisation, customer_b: Contact
) -> None:
    theirs = make.invoice(customer_b, "10.00")
    for name in ("document_print", "document_pdf", "document_forward"):
        assert portal_client.get(url(name, org, theirs, "invoice")).status_code == 404


def test_another_organisations_document_is_a_404(
    portal_client: Client, org: Organisation, other_org_customer: Contact
) -> None:
    theirs = make.invoice(other_org_customer, "10.00")
    assert portal_client.get(url("document_pdf", org, theirs, "invoice")).status_code == 404


def test_drafts_and_wrong_kinds_are_404(
    portal_client: Client, org: Organisation, customer_a: Contact, documents: dict[str, Any]
) -> None:
    draft = make.invoice(customer_a, "10.00", send=False)
    assert portal_client.get(url("document_pdf", org, draft, "invoice")).status_code == 404
    retainer = documents["retainer-invoice"]
    assert portal_client.get(url("document_pdf", org, retainer, "invoice")).status_code == 404
    assert portal_client.get(url("document_pdf", org, retainer, "no-such-kind")).status_code == 404


def test_someone_logged_out_is_sent_to_the_login(
    org: Organisation, documents: dict[str, Any]
) -> None:
    response = Client().get(url("document_pdf", org, documents["invoice"]))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_the_statement_prints_and_downloads(
    portal_client: Client, org: Organisation, documents: dict[str, Any]
) -> None:
    base = {"org_slug": org.slug}
    period = "?start=2026-01-01&end=2026-12-31"
    page = portal_client.get(reverse("portal:statement_print", kwargs=base) + period)
    assert page.status_code == 200 and "Aging of open invoices" in page.content.decode()
    download = portal_client.get(reverse("portal:statement_pdf", kwargs=base) + period)
    assert download.status_code == 200
    assert (
        download["Content-Disposition"]
        == 'attachment; filename="statement-2026-01-01-2026-12-31.pdf"'
    )
    assert "Statement of accounts" in pdf_text(download.content)


def forward(
    client: Client, org: Organisation, document: Any, recipients: str, message: str = ""
) -> Any:
    return client.post(
        url("document_forward", org, document), {"recipients": recipients, "message": message}
    )


def test_forwarding_mails_the_pdf_and_adds_new_people_once(
    portal_client: Client,
    org: Organisation,
    customer_a: Contact,
    documents: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    invoice = documents["invoice"]
    # given two forwards of the same invoice to a new colleague
    with django_capture_on_commit_callbacks(execute=True):
        first = forward(
            portal_client,
            org,
            invoice,
            "Cleo@customer-a.example, ann@customer-a.example",
            "For the books",
        )
    with django_capture_on_commit_callbacks(execute=True):
        second = forward(portal_client, org, invoice, "cleo@customer-a.example")

    # then every recipient got the PDF, from the organisation, with the message
    assert first.status_code == 302 and second.status_code == 302
    sent = [m for m in mail.outbox if m.to != [org.primary_email]]
    assert [m.to for m in sent] == [
        ["Cleo@customer-a.example"],
        ["ann@customer-a.example"],
        ["cleo@customer-a.example"],
    ]
    message = sent[0]
    assert "Studio A" in message.from_email
    assert message.reply_to == [org.primary_email]
    assert "For the books" in message.body
    ((name, content, mimetype),) = message.attachments
    assert name == f"invoice-{invoice.number}.pdf" and mimetype == "application/pdf"
    assert invoice.number in pdf_text(content)
    # and the new colleague is a contact person once, without portal access
    added = ContactPerson.objects.filter(
        contact=customer_a, email__iexact="cleo@customer-a.example"
    )
    assert added.count() == 1
    assert added.get().portal_status == ContactPerson.PortalStatus.NOT_ENABLED


@pytest.mark.parametrize(
    "recipients",
    [
        "a@example.com\r\nBcc: victim@example.com",
        "a@example.com, not-an-address",
        "a@example.com\nb@example.com",
        "1@x.example,2@x.example,3@x.example,4@x.example,5@x.example,6@x.example",
        "",
    ],
)
def test_a_bad_address_is_a_field_error_and_nothing_is_sent(
    portal_client: Client,
    org: Organisation,
    customer_a: Contact,
    documents: dict[str, Any],
    recipients: str,
) -> None:
    before = ContactPerson.objects.filter(contact=customer_a).count()
    response = forward(portal_client, org, documents["invoice"], recipients)
    assert response.status_code == 400
    assert "recipients" in response.context["form"].errors
    assert mail.outbox == []
    assert ContactPerson.objects.filter(contact=customer_a).count() == before


def test_forwarding_is_rate_limited_per_person(
    portal_client: Client,
    org: Organisation,
    documents: dict[str, Any],
    settings: Any,
) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "forward": (2, 3600)}
    invoice = documents["invoice"]
    assert forward(portal_client, org, invoice, "a@x.example, b@x.example").status_code == 302
    limited = forward(portal_client, org, invoice, "c@x.example")
    assert limited.status_code == 429
    assert "try again later" in limited.content.decode()


def test_forwarding_switched_off_hides_the_form(
    portal_client: Client, org: Organisation, documents: dict[str, Any]
) -> None:
    preferences = org.portal_preferences
    preferences.allow_forwarding = False
    preferences.save()
    assert forward(portal_client, org, documents["invoice"], "a@x.example").status_code == 404
    assert mail.outbox == []


def test_a_customer_uploads_to_an_invoice_and_downloads_it_as_an_attachment(
    portal_client: Client, org: Organisation, documents: dict[str, Any]
) -> None:
    invoice = documents["invoice"]
    upload = SimpleUploadedFile("remittance.pdf", b"%PDF-1.7 remittance")
    response = portal_client.post(url("document_upload", org, invoice), {"file": upload})
    assert response.status_code == 302
    stored = Attachment.objects.get(invoice=invoice)
    assert stored.name == "remittance.pdf" and stored.show_in_portal
    assert "remittance" not in stored.file.name
    download = portal_client.get(
        reverse(
            "portal:document_attachment",
            kwargs={"org_slug": org.slug, "attachment_id": stored.public_id},
        )
    )
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="remittance.pdf"'
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("page.html", b"<html><script>alert(1)</script></html>"),
        ("image.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
        ("setup.pdf", b"MZ\x90\x00 renamed executable"),
    ],
)
def test_refused_uploads_store_nothing(
    portal_client: Client, org: Organisation, documents: dict[str, Any], name: str, content: bytes
) -> None:
    portal_client.post(
        url("document_upload", org, documents["invoice"]),
        {"file": SimpleUploadedFile(name, content)},
    )
    assert not Attachment.objects.exists()


def test_an_oversized_upload_is_refused(
    portal_client: Client,
    org: Organisation,
    documents: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(uploads, "MAX_BYTES", 1024)
    portal_client.post(
        url("document_upload", org, documents["invoice"]),
        {"file": SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 2000)},
    )
    assert not Attachment.objects.exists()


def test_files_not_shown_in_the_portal_or_on_anothers_documents_are_404(
    portal_client: Client, org: Organisation, customer_b: Contact, documents: dict[str, Any]
) -> None:
    from django.core.files.base import ContentFile

    hidden = Attachment(
        organisation=org, invoice=documents["invoice"], name="internal.pdf", show_in_portal=False
    )
    hidden.file.save("x.pdf", ContentFile(b"%PDF-1.7"), save=True)
    theirs = Attachment(
        organisation=org,
        invoice=make.invoice(customer_b, "5.00"),
        name="b.pdf",
        show_in_portal=True,
    )
    theirs.file.save("y.pdf", ContentFile(b"%PDF-1.7"), save=True)
    for attachment in (hidden, theirs):
        response = portal_client.get(
            reverse(
                "portal:document_attachment",
                kwargs={"org_slug": org.slug, "attachment_id": attachment.public_id},
            )
        )
        assert response.status_code == 404


def test_a_forward_is_logged_and_the_business_is_notified(
    portal_client: Client, org: Organisation, documents: dict[str, Any]
) -> None:
    from portico.activity.models import ActivityLog, Notification

    invoice = documents["invoice"]
    assert forward(portal_client, org, invoice, "dana@x.example").status_code == 302
    log = ActivityLog.objects.get(organisation=org, action="document_forwarded")
    assert invoice.number in log.detail and "dana@x.example" in log.detail
    notification = Notification.objects.get(organisation=org, kind="document_forwarded")
    assert "dana@x.example" in notification.text and notification.invoice == invoice


def test_the_buttons_partial_links_print_pdf_and_forward(
    portal_client: Client, org: Organisation, documents: dict[str, Any]
) -> None:
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from portico.portal.scoping import access_for

    person = ContactPerson.objects.get(email="ann@customer-a.example")
    request = RequestFactory().get("/")
    scope = access_for(user=person.user, organisation=org).scope_for(person.pk)  # type: ignore[arg-type]
    request.portal_scope = scope  # type: ignore[attr-defined]
    html = render_to_string(
        "documents/partials/portal_buttons.html", {"document": documents["invoice"]}, request
    )
    assert url("document_print", org, documents["invoice"]) in html
    assert url("document_pdf", org, documents["invoice"]) in html
    assert url("document_forward", org, documents["invoice"]) in html
