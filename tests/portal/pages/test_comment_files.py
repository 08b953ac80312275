"""A file with a portal comment: posted with htmx or a plain form, shown in the thread,
downloaded as an attachment by its customer only; a refused file is a field error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portico.activity.models import ActivityLog, Comment, Notification
from portico.contacts.models import Contact, ContactPerson
from portico.core import uploads
from portico.orgs.models import Organisation
from portico.sales import services as sales_services
from portico.sales.models import Attachment
from tests.portal.pages.conftest import logged_in, url
from tests.projects.factories import ProjectFactory, TimesheetApprovalFactory
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
CSV = b"date,hours\n2026-11-02,2.00\n"

# Each kind: how to make one for a customer, and the portal path of its page.
TARGETS: dict[str, tuple[Callable[[Contact], Any], str]] = {
    "estimate": (
        lambda c: sales_services.estimate_send(estimate=sales.estimate(c, "250.00")),
        "estimates",
    ),
    "invoice": (lambda c: sales.invoice(c, "120.00"), "invoices"),
    "retainer": (lambda c: sales.invoice(c, "300.00", kind="retainer"), "invoices"),
    "approval": (
        lambda c: TimesheetApprovalFactory(project=ProjectFactory(contact=c)),
        "timesheets",
    ),
    # Sales orders share the comment form, so they take a file the same way.
    "sales order": (
        lambda c: sales_services.sales_order_confirm(sales_order=sales.sales_order(c)),
        "sales-orders",
    ),
}


def make(kind: str, contact: Contact) -> tuple[Any, str]:
    factory, section = TARGETS[kind]
    target = factory(contact)
    return target, f"{section}/{target.public_id}"


def post(client: Client, org: Organisation, page: str, file: Any = None, htmx: bool = True) -> Any:
    data: dict[str, Any] = {"body": "Please see the attached file."}
    if file is not None:
        data["file"] = file
    return client.post(url(org, f"{page}/comments"), data, **(HTMX if htmx else {}))


def download_url(org: Organisation, attachment: Attachment) -> str:
    return reverse(
        "portal:document_attachment",
        kwargs={"org_slug": org.slug, "attachment_id": attachment.public_id},
    )


@pytest.mark.parametrize("kind", TARGETS)
@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("quote.pdf", PDF, "application/pdf"),
        ("photo.png", PNG, "image/png"),
        ("hours.csv", CSV, "text/csv"),
    ],
)
def test_a_comment_with_a_file_is_shown_in_the_thread_and_downloads_as_an_attachment(
    portal_client: Client,
    org: Organisation,
    customer_a: Contact,
    kind: str,
    name: str,
    content: bytes,
    content_type: str,
) -> None:
    # given a document of customer A
    _, page = make(kind, customer_a)

    # when their person comments with a file (htmx)
    response = post(portal_client, org, page, SimpleUploadedFile(name, content))

    # then the thread comes back with the comment and a link to the file
    attachment = Attachment.objects.get()
    comment = Comment.objects.get()
    assert response.status_code == 200
    assert attachment.comment == comment and attachment.show_in_portal
    body = response.content.decode()
    assert download_url(org, attachment) in body and name in body
    assert download_url(org, attachment) in portal_client.get(url(org, page)).content.decode()

    # and it downloads as an attachment, never inline, with the safe headers
    download = portal_client.get(download_url(org, attachment))
    assert download.status_code == 200
    assert download["Content-Disposition"] == f'attachment; filename="{name}"'
    assert download["Content-Type"].startswith(content_type)
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download["Content-Security-Policy"]
    assert download.content == content


def test_a_plain_form_post_with_a_file_goes_back_to_the_page(
    portal_client: Client, org: Organisation, customer_a: Contact
) -> None:
    _, page = make("approval", customer_a)

    response = post(portal_client, org, page, SimpleUploadedFile("a.pdf", PDF), htmx=False)

    assert response.status_code == 302
    assert response["Location"].endswith(f"{page}#comments")
    assert Attachment.objects.get().comment == Comment.objects.get()


@pytest.mark.parametrize("kind", ["invoice", "approval"])
def test_the_file_is_a_404_for_another_customer_and_another_organisation(
    portal_client: Client,
    org: Organisation,
    other_org: Organisation,
    customer_a: Contact,
    customer_b_person: ContactPerson,
    other_org_person: ContactPerson,
    password: str,
    kind: str,
) -> None:
    # given a file customer A's person posted with a comment
    _, page = make(kind, customer_a)
    post(portal_client, org, page, SimpleUploadedFile("a.pdf", PDF))
    attachment = Attachment.objects.get()

    # when customer B's person and another organisation's person ask for it
    as_b = logged_in(customer_b_person, password).get(download_url(org, attachment))
    other = logged_in(other_org_person, password)
    as_other = other.get(download_url(other_org, attachment))

    # then both are a 404, like a missing file
    assert (as_b.status_code, as_other.status_code) == (404, 404)


def test_an_approval_file_is_a_404_once_the_project_is_hidden_from_the_portal(
    portal_client: Client, org: Organisation, customer_a: Contact
) -> None:
    approval, page = make("approval", customer_a)
    post(portal_client, org, page, SimpleUploadedFile("a.pdf", PDF))
    approval.project.show_in_portal = False
    approval.project.save()

    assert portal_client.get(download_url(org, Attachment.objects.get())).status_code == 404


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("page.html", b"<!doctype html><script>alert(1)</script>"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("invoice.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00PE executable"),
        ("big.pdf", b"%PDF-" + b"0" * 2048),
    ],
)
@pytest.mark.parametrize("kind", ["estimate", "invoice", "approval"])
def test_a_refused_file_is_a_field_error_and_nothing_is_saved(
    portal_client: Client,
    org: Organisation,
    customer_a: Contact,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
    name: str,
    content: bytes,
) -> None:
    # given a small size cap, so "big.pdf" is oversized
    monkeypatch.setattr(uploads, "MAX_BYTES", 1024)
    _, page = make(kind, customer_a)

    # when the person comments with a refused file, with htmx and with a plain form
    with_htmx = post(portal_client, org, page, SimpleUploadedFile(name, content))
    plain = post(portal_client, org, page, SimpleUploadedFile(name, content), htmx=False)

    # then the form shows the error on the file field, the typed comment is kept
    body = with_htmx.content.decode()
    assert 'id="id_file_errors"' in body
    assert f"“{name}” was not attached and your comment is not posted yet." in body
    assert "Please see the attached file." in body
    assert 'aria-invalid="true"' in body
    assert plain.status_code == 302
    followed = portal_client.get(plain["Location"]).content.decode()
    assert "larger than" in followed or "can be attached" in followed

    # and neither the comment nor the file was saved
    assert Comment.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert Notification.objects.filter(kind="commented").count() == 0
    assert not ActivityLog.objects.filter(action__in=["commented", "attached_file"]).exists()


def test_a_comment_without_a_file_still_works(
    portal_client: Client, org: Organisation, customer_a: Contact
) -> None:
    _, page = make("approval", customer_a)

    response = post(portal_client, org, page)

    assert response.status_code == 200
    assert "Please see the attached file." in response.content.decode()
    assert Comment.objects.count() == 1 and Attachment.objects.count() == 0


def test_the_form_posts_multipart_with_and_without_htmx(
    portal_client: Client, org: Organisation, customer_a: Contact
) -> None:
    _, page = make("approval", customer_a)

    body = portal_client.get(url(org, page)).content.decode()

    assert 'enctype="multipart/form-data"' in body
    assert 'hx-encoding="multipart/form-data"' in body
    assert 'type="file" name="file"' in body


def test_the_approval_page_costs_no_more_queries_for_comments_and_files(
    portal_client: Client, org: Organisation, customer_a: Contact, active_person: ContactPerson
) -> None:
    # given a bare approval, one with a comment without a file, one with a comment and a file,
    # and one with five comments each with a file
    pages = [make("approval", customer_a)[1] for _ in range(4)]
    post(portal_client, org, pages[1])
    post(portal_client, org, pages[2], SimpleUploadedFile("a.pdf", PDF))
    for n in range(5):
        post(portal_client, org, pages[3], SimpleUploadedFile(f"{n}.pdf", PDF))

    # when each page is opened (after the first view)
    counts = []
    for page in pages:
        portal_client.get(url(org, page))
        with CaptureQueriesContext(connection) as queries:
            response = portal_client.get(url(org, page))
        assert response.status_code == 200
        counts.append(len(queries))

    # then the thread and its files cost the same single query, within the budget
    bare = counts[0]
    assert counts == [bare, bare, bare, bare]
    thread = response.content.decode()
    positions = [thread.index(f"{n}.pdf</bdi></a>") for n in range(5)]
    assert positions == sorted(positions) and thread.count("Please see the attached file.") == 5
    assert counts[-1] <= 10


def test_staff_download_the_customers_approval_file_in_the_back_office(
    portal_client: Client,
    owner_client: Client,
    org: Organisation,
    customer_a: Contact,
) -> None:
    approval, page = make("approval", customer_a)
    post(portal_client, org, page, SimpleUploadedFile("receipts.pdf", PDF))
    attachment = Attachment.objects.get()

    admin_page = owner_client.get(
        reverse("admin:projects_timesheetapproval_change", args=[approval.pk])
    )
    file_url = reverse("backoffice_documents:file", kwargs={"attachment_id": attachment.public_id})
    download = owner_client.get(file_url)

    assert admin_page.status_code == 200
    assert file_url in admin_page.content.decode()
    assert "receipts.pdf" in admin_page.content.decode()
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="receipts.pdf"'
