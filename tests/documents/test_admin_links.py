"""The admin's change forms of documents, payments and customers carry the document buttons."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from portico.contacts.models import Contact

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "admin_name"),
    [
        ("invoice", "sales_invoice_change"),
        ("estimate", "sales_estimate_change"),
        ("sales-order", "sales_salesorder_change"),
        ("credit-note", "sales_creditnote_change"),
        ("payment", "payments_payment_change"),
    ],
)
def test_document_change_forms_link_to_print_pdf_and_email(
    owner_client: Client, documents: dict[str, Any], kind: str, admin_name: str
) -> None:
    document = documents[kind]
    try:
        change = reverse(f"admin:{admin_name}", args=[document.pk])
    except Exception:
        pytest.skip(f"{admin_name} is not registered in the admin")
    page = owner_client.get(change).content.decode()
    kwargs = {"kind": kind, "public_id": document.public_id}
    assert reverse("backoffice_documents:print", kwargs=kwargs) in page
    assert reverse("backoffice_documents:pdf", kwargs=kwargs) in page


def test_the_customer_change_form_links_to_the_statement(
    owner_client: Client, customer_a: Contact
) -> None:
    page = owner_client.get(reverse("admin:contacts_contact_change", args=[customer_a.pk]))
    assert (
        reverse("backoffice_documents:statement_pdf", kwargs={"contact_id": customer_a.public_id})
        in page.content.decode()
    )
