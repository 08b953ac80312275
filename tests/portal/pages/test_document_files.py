"""Files on a document's portal page: those shown in the portal are listed with a download
link, the customer attaches one from the page, nobody else's file opens; the statement page
prints and downloads the chosen period."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portico.contacts.models import Contact
from portico.orgs.models import Organisation
from portico.sales import services as sales_services
from portico.sales.models import Attachment, Estimate, Invoice, SalesOrder
from tests.contacts.factories import ContactPersonFactory
from tests.portal.pages.conftest import logged_in, url
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"

Document = Estimate | Invoice | SalesOrder

# Each kind: how to make one for a customer, its page's section, whether the customer uploads.
KINDS: dict[str, tuple[Callable[[Contact], Document], str, bool]] = {
    "estimate": (
        lambda c: sales_services.estimate_send(estimate=sales.estimate(c, "250.00")),
        "estimates",
        True,
    ),
    "invoice": (lambda c: sales.invoice(c, "120.00"), "invoices", True),
    "retainer": (lambda c: sales.invoice(c, "300.00", kind="retainer"), "invoices", True),
    "sales order": (
        lambda c: sales_services.sales_order_confirm(sales_order=sales.sales_order(c)),
        "sales-orders",
        False,
    ),
}


def attach(document: Document, name: str, *, show_in_portal: bool = True) -> Attachment:
    field = {Estimate: "estimate", Invoice: "invoice", SalesOrder: "sales_order"}[type(document)]
    attachment = Attachment(
        organisation=document.organisation,
        name=name,
        show_in_portal=show_in_portal,
        **{field: document},
    )
    attachment.file.save(f"stored-{name}", ContentFile(PDF), save=False)
    attachment.save()
    return attachment


def download_url(org: Organisation, attachment: Attachment) -> str:
    return reverse(
        "portal:document_attachment",
        kwargs={"org_slug": org.slug, "attachment_id": attachment.public_id},
    )


@pytest.mark.parametrize("kind", KINDS)
def test_files_shown_in_the_portal_are_listed_on_the_page_and_download(
    portal_client: Client, org: Organisation, customer_a: Contact, kind: str
) -> None:
    # given a document with a file for the customer and an internal one
    make, section, _uploads = KINDS[kind]
    document = make(customer_a)
    shown = attach(document, "drawings.pdf")
    internal = attach(document, "margin-notes.pdf", show_in_portal=False)
    # when the customer opens the document's page
    body = portal_client.get(url(org, f"{section}/{document.public_id}")).content.decode()
    # then only the shown file is listed, linked through the safe download
    assert 'id="files"' in body
    assert download_url(org, shown) in body and "drawings.pdf" in body
    assert download_url(org, internal) not in body and "margin-notes.pdf" not in body
    download = portal_client.get(download_url(org, shown))
    assert download.status_code == 200 and download.content == PDF
    assert download["Content-Disposition"] == 'attachment; filename="drawings.pdf"'
    assert portal_client.get(download_url(org, internal)).status_code == 404


@pytest.mark.parametrize("kind", KINDS)
def test_the_upload_form_is_on_the_page_where_the_customer_may_attach_files(
    portal_client: Client, org: Organisation, customer_a: Contact, kind: str
) -> None:
    make, section, uploads = KINDS[kind]
    document = make(customer_a)
    body = portal_client.get(url(org, f"{section}/{document.public_id}")).content.decode()
    assert ('id="upload-form"' in body) is uploads
    if not uploads:
        # no form and no file: no empty "Files" card either
        assert 'id="files"' not in body


def test_a_file_uploaded_from_the_invoice_page_comes_back_to_the_page_listed(
    portal_client: Client, org: Organisation, customer_a: Contact
) -> None:
    # given
    invoice = sales.invoice(customer_a, "120.00")
    page = url(org, f"invoices/{invoice.public_id}")
    upload = reverse(
        "portal:document_upload",
        kwargs={"org_slug": org.slug, "kind": "invoice", "public_id": invoice.public_id},
    )
    assert upload in portal_client.get(page).content.decode()
    # when the customer attaches a file from the page
    response = portal_client.post(
        upload, {"back": "page", "file": SimpleUploadedFile("signed.pdf", PDF)}
    )
    # then they are back on the page, where the file is listed for download
    assert response.status_code == 302 and response["Location"] == f"{page}#files"
    attachment = Attachment.objects.get(invoice=invoice)
    assert attachment.show_in_portal and attachment.comment is None
    body = portal_client.get(page).content.decode()
    assert download_url(org, attachment) in body and "The file was attached." in body


def test_a_refused_file_from_the_page_says_why_and_stores_nothing(
    portal_client: Client, org: Organisation, customer_a: Contact
) -> None:
    invoice = sales.invoice(customer_a, "120.00")
    upload = reverse(
        "portal:document_upload",
        kwargs={"org_slug": org.slug, "kind": "invoice", "public_id": invoice.public_id},
    )
    response = portal_client.post(
        upload,
        {"back": "page", "file": SimpleUploadedFile("run.html", b"<script>alert(1)</script>")},
        follow=True,
    )
    assert response.redirect_chain[-1][0].endswith(f"invoices/{invoice.public_id}#files")
    assert Attachment.objects.count() == 0
    assert "files can be attached." in response.content.decode()


def test_the_print_views_upload_form_still_comes_back_to_the_print_view(
    portal_client: Client, org: Organisation, customer_a: Contact
) -> None:
    invoice = sales.invoice(customer_a, "120.00")
    kwargs = {"org_slug": org.slug, "kind": "invoice", "public_id": invoice.public_id}
    response = portal_client.post(
        reverse("portal:document_upload", kwargs=kwargs),
        {"file": SimpleUploadedFile("signed.pdf", PDF)},
    )
    assert response["Location"] == reverse("portal:document_print", kwargs=kwargs)


def test_another_customers_file_is_404_and_not_listed(
    org: Organisation, customer_a: Contact, customer_b: Contact, portal_client: Client
) -> None:
    # given a file on customer B's invoice
    theirs = attach(sales.invoice(customer_b, "80.00"), "their-contract.pdf")
    mine = sales.invoice(customer_a, "120.00")
    # then customer A's person sees it nowhere and cannot download it
    body = portal_client.get(url(org, f"invoices/{mine.public_id}")).content.decode()
    assert "their-contract.pdf" not in body
    assert portal_client.get(download_url(org, theirs)).status_code == 404
    # while customer B's person can
    b_client = logged_in(ContactPersonFactory(contact=customer_b), "a-long-pass-phrase-9")
    assert b_client.get(download_url(org, theirs)).status_code == 200


# --- the statement page --------------------------------------------------------------------------


def statement_links(org: Organisation, start: str, end: str) -> tuple[str, str]:
    period = f"?start={start}&end={end}"
    base = {"org_slug": org.slug}
    return (
        reverse("portal:statement_print", kwargs=base) + period,
        reverse("portal:statement_pdf", kwargs=base) + period,
    )


def test_the_statement_page_prints_and_downloads_a_custom_period(
    portal_client: Client, org: Organisation, customer_a: Contact
) -> None:
    page = portal_client.get(
        url(org, "statement?period=custom&start=2026-02-01&end=2026-03-15")
    ).content.decode()
    print_url, pdf_url = statement_links(org, "2026-02-01", "2026-03-15")
    assert f'href="{print_url.replace("&", "&amp;")}"' in page
    assert f'href="{pdf_url.replace("&", "&amp;")}"' in page


def test_the_statement_buttons_follow_a_named_period(
    portal_client: Client, org: Organisation, customer_a: Contact
) -> None:
    today = timezone.localdate()
    page = portal_client.get(url(org, "statement?period=this_year")).content.decode()
    print_url, pdf_url = statement_links(org, f"{today.year}-01-01", today.isoformat())
    assert print_url.replace("&", "&amp;") in page and pdf_url.replace("&", "&amp;") in page


def test_no_statement_buttons_when_the_period_is_refused(
    portal_client: Client, org: Organisation, customer_a: Contact
) -> None:
    response = portal_client.get(url(org, "statement?period=custom&start=2026-05-01"))
    assert response.status_code == 400
    assert 'id="statement-pdf"' not in response.content.decode()


def test_the_printed_statement_holds_only_the_chosen_period(
    portal_client: Client, org: Organisation, customer_a: Contact
) -> None:
    # given invoices inside and outside the period
    inside = sales.invoice(customer_a, "120.00", issue_date=datetime.date(2026, 2, 10))
    outside = sales.invoice(customer_a, "80.00", issue_date=datetime.date(2026, 4, 10))
    print_url, pdf_url = statement_links(org, "2026-02-01", "2026-03-15")
    # when the print view and the PDF are opened from the page's links
    printed = portal_client.get(print_url)
    pdf = portal_client.get(pdf_url)
    # then both are for that period, and the print view leads back to it
    body = printed.content.decode()
    assert printed.status_code == 200
    assert inside.number in body and outside.number not in body
    back = url(org, "statement?period=custom&start=2026-02-01&end=2026-03-15")
    assert back.replace("&", "&amp;") in body
    assert pdf.status_code == 200
    assert (
        pdf["Content-Disposition"] == 'attachment; filename="statement-2026-02-01-2026-03-15.pdf"'
    )
