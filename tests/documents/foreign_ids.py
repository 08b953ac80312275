"""Makers for the portal URL walk (tests/portal/test_tenancy_walk.py): the documents URLs take
`kind` + `public_id` (an issued invoice of the given person's customer), `attachment_id`
(a file shown in the portal on such an invoice) and `statement_pdf_id` (a ready statement PDF
of the person's customer)."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile

from portico.contacts.models import ContactPerson
from portico.documents import statement_pdfs
from portico.sales.models import Attachment
from tests.sales import factories as make


def a_kind(world: Any, person: ContactPerson) -> str:
    return "invoice"


def a_document_of(world: Any, person: ContactPerson) -> Any:
    return make.invoice(person.contact).public_id


def a_file_of(world: Any, person: ContactPerson) -> Any:
    invoice = make.invoice(person.contact)
    attachment = Attachment(
        organisation_id=invoice.organisation_id, invoice=invoice, show_in_portal=True
    )
    attachment.file.save("walk.pdf", ContentFile(b"%PDF-1.7"), save=True)
    return attachment.public_id


def a_statement_pdf_of(world: Any, person: ContactPerson) -> Any:
    make.invoice(person.contact)
    job = statement_pdfs.statement_pdf_request(
        organisation=person.organisation,
        contact=person.contact,
        start=make.DAY,
        end=make.DAY,
        language="en",
    )
    return statement_pdfs.statement_pdf_render_now(job=job).public_id
