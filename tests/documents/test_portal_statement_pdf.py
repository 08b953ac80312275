"""The portal's statement PDF: a long one shows its progress, then offers the download (and is
emailed on request); a short one downloads at once; nobody else's opens."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from portico.contacts.models import Contact, ContactPerson
from portico.documents import statement_pdfs
from portico.documents.models import StatementPdf
from portico.orgs.models import Organisation
from tests.documents.conftest import D
from tests.sales import factories as make

pytestmark = pytest.mark.django_db
PERIOD = "?start=2026-02-01&end=2026-02-28"


def pdf_url(org: Organisation) -> str:
    return reverse("portal:statement_pdf", kwargs={"org_slug": org.slug}) + PERIOD


def test_a_long_statement_shows_progress_then_downloads(
    org: Organisation,
    february: Contact,
    portal_client: Client,
    portal_person: ContactPerson,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a statement too long to render inside the request
    monkeypatch.setattr(statement_pdfs, "INLINE_LINES", 1)
    # when the person asks for its PDF (the worker not having run yet)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        asked = portal_client.get(pdf_url(org))
    # then they are sent to the statement's page, which says it is being prepared
    job = StatementPdf.objects.get()
    status_url = reverse(
        "portal:statement_pdf_status",
        kwargs={"org_slug": org.slug, "statement_pdf_id": job.public_id},
    )
    assert asked.status_code == 302 and asked["Location"] == status_url
    waiting = portal_client.get(status_url)
    assert waiting.status_code == 200 and waiting["Refresh"] == "2"
    page = waiting.content.decode()
    assert "Preparing your statement…" in page and f'href="{status_url}"' in page
    download_url = f"{status_url}/download"
    assert download_url not in page
    assert portal_client.get(download_url)["Location"] == status_url  # not ready: back
    # when they ask for it by email and the worker renders it
    emailed = portal_client.post(f"{status_url}/email")
    assert emailed.status_code == 302
    assert "emailed to ann@customer-a.example when it is ready" in (
        portal_client.get(status_url).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        for callback in queued:
            callback()
    # then the page offers the download, stops refreshing, and the email went out with the PDF
    ready = portal_client.get(status_url)
    assert not ready.has_header("Refresh") and download_url in ready.content.decode()
    download = portal_client.get(download_url)
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == (
        'attachment; filename="statement-2026-02-01-2026-02-28.pdf"'
    )
    assert download.content.startswith(b"%PDF")
    assert [m.to for m in mail.outbox] == [["ann@customer-a.example"]]
    # and asking for the same statement again downloads the kept PDF at once
    again = portal_client.get(pdf_url(org))
    assert again.status_code == 200 and again.content == download.content


def test_a_ready_statement_asked_by_email_is_sent_at_once_and_once(
    org: Organisation,
    february: Contact,
    portal_client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    assert portal_client.get(pdf_url(org)).status_code == 200  # short: rendered inline
    job = StatementPdf.objects.get(status=StatementPdf.Status.READY)
    email_url = reverse(
        "portal:statement_pdf_email",
        kwargs={"org_slug": org.slug, "statement_pdf_id": job.public_id},
    )
    with django_capture_on_commit_callbacks(execute=True):
        portal_client.post(email_url)
        portal_client.post(email_url)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].attachments[0][1].startswith(b"%PDF")


def test_another_customers_statement_pdf_is_a_404(
    org: Organisation, customer_b: Contact, portal_client: Client
) -> None:
    make.invoice(customer_b, "50.00", issue_date=D(2026, 2, 3))
    theirs = statement_pdfs.statement_pdf_render_now(
        job=statement_pdfs.statement_pdf_request(
            organisation=org,
            contact=customer_b,
            start=D(2026, 2, 1),
            end=D(2026, 2, 28),
            language="en",
        )
    )
    kwargs = {"org_slug": org.slug, "statement_pdf_id": theirs.public_id}
    for name in ("statement_pdf_status", "statement_pdf_download"):
        assert portal_client.get(reverse(f"portal:{name}", kwargs=kwargs)).status_code == 404
    assert (
        portal_client.post(reverse("portal:statement_pdf_email", kwargs=kwargs)).status_code == 404
    )
