"""Every download path answers with the one download response: the stored type, an attachment
with a sanitised name that keeps its extension, no sniffing, no caching, the sandbox policy."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from portico.contacts.models import Contact, ContactPerson
from portico.sales.models import Attachment
from tests.api.conftest import Api, portal_token

pytestmark = pytest.mark.django_db

LONG = "Quarterly report " * 15  # about 250 characters before the extension


@pytest.fixture
def attachment(documents: dict[str, Any]) -> Attachment:
    invoice = documents["invoice"]
    found = Attachment(
        organisation=invoice.organisation,
        invoice=invoice,
        # the name is editable text, not the type: it claims HTML and tries to end the header
        name='evil.html"\r\nX-Injected: 1',
        show_in_portal=True,
    )
    found.file.save("stored.txt", ContentFile(b"<b>plain text</b>"))
    return found


def assert_private_download(response: Any, content_type: str) -> None:
    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == content_type
    assert response["Content-Disposition"].startswith('attachment; filename="')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "X-Injected" not in response


def test_staff_attachment_downloads_serve_the_stored_type_under_a_safe_name(
    owner_client: Client, attachment: Attachment
) -> None:
    for url in (
        reverse("sales:attachment_download", args=[attachment.public_id]),
        reverse("backoffice_documents:file", kwargs={"attachment_id": attachment.public_id}),
    ):
        response = owner_client.get(url)
        assert_private_download(response, "text/plain")
        # typed and suffixed by the stored file, whatever the editable name claims
        assert response["Content-Disposition"].startswith(
            'attachment; filename="evil.html_X-Injected_1.txt"'
        )


def test_the_portal_attachment_download_is_the_same_response(
    portal_client: Client, attachment: Attachment
) -> None:
    response = portal_client.get(
        reverse(
            "portal:document_attachment",
            kwargs={
                "org_slug": attachment.organisation.slug,
                "attachment_id": attachment.public_id,
            },
        )
    )
    assert_private_download(response, "text/plain")


def test_pdfs_and_statements_are_private_downloads_for_staff_portal_and_api(
    owner_client: Client,
    portal_client: Client,
    documents: dict[str, Any],
    customer_a: Contact,
    portal_person: ContactPerson,
    password: str,
) -> None:
    invoice = documents["invoice"]
    org = invoice.organisation
    staff_pdf = owner_client.get(
        reverse(
            "backoffice_documents:pdf", kwargs={"kind": "invoice", "public_id": invoice.public_id}
        )
    )
    assert_private_download(staff_pdf, "application/pdf")
    for name in ("statement_csv", "statement_xlsx"):
        statement = owner_client.get(
            reverse(f"backoffice_documents:{name}", kwargs={"contact_id": customer_a.public_id})
        )
        assert statement.status_code == 200
        assert_private_download(statement, statement["Content-Type"].split(";")[0])
    api = Api(portal_token(org, portal_person, password))
    api_pdf = api.get(f"/portal/{org.slug}/invoices/{invoice.public_id}/pdf")
    assert_private_download(api_pdf, "application/pdf")


def test_a_long_file_name_is_accepted_and_shortened_keeping_its_extension(
    owner_client: Client, documents: dict[str, Any]
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    estimate = documents["estimate"]
    response = owner_client.post(
        reverse(
            "backoffice_documents:upload",
            kwargs={"kind": "estimate", "public_id": estimate.public_id},
        ),
        {"file": SimpleUploadedFile(f"{LONG}.pdf", b"%PDF-1.7 a report")},
    )
    assert response.status_code == 302
    stored = Attachment.objects.get(estimate=estimate)
    assert stored.name.endswith(".pdf") and len(stored.name) <= 200
    download = owner_client.get(
        reverse("backoffice_documents:file", kwargs={"attachment_id": stored.public_id})
    )
    assert_private_download(download, "application/pdf")
    assert download["Content-Disposition"].endswith('.pdf"')
