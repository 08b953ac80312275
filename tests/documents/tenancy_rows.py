"""Rows of the Send back-office models (email wording, send records), for `tests/tenancy/`."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.db import models

from portico.documents.models import DocumentEmailTemplate, DocumentSend
from portico.orgs.models import Organisation
from tests.sales import factories as make


def a_send(org: Organisation) -> DocumentSend:
    invoice = make.invoice(make.customer(org))
    return DocumentSend.objects.create(
        organisation=org,
        kind="invoice",
        document_id=invoice.public_id,
        number=invoice.number,
        contact=invoice.contact,
        key=uuid.uuid4().hex,
        recipients=[{"email": "walk@example.com", "name": "Walk"}],
        subject=f"Invoice {invoice.number}",
    )


ROWS: dict[type[models.Model], Callable[[Organisation], models.Model]] = {
    DocumentEmailTemplate: lambda org: DocumentEmailTemplate.objects.create(
        organisation=org, kind="invoice", subject="Invoice {document_number}", message="Hello"
    ),
    DocumentSend: a_send,
}
