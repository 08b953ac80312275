"""The back office for sales documents: drafts edited with inline lines, state through actions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from portico.contacts.models import Contact
from portico.orgs.models import Organisation, Tax
from portico.payments import ledger
from portico.payments.models import Payment
from portico.sales import ledger as sales_ledger
from portico.sales.models import Attachment, Estimate, Invoice
from tests.sales import factories as make

pytestmark = pytest.mark.django_db


def inline(prefix: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


def test_an_invoice_is_added_with_lines_and_gets_number_and_totals(
    owner_client: Client, customer_a: Contact, org: Organisation
) -> None:
    vat = Tax.objects.get(organisation=org)
    data = {
        "contact": customer_a.pk,
        "kind": "regular",
        "issue_date": "2026-01-15",
        "due_date": "",
        "allow_partial_payment": "on",
        "discount": "0",
        "notes": "",
        "terms": "",
        "reference": "",
        **inline(
            "lines",
            [{"description": "Design", "quantity": "2", "rate": "50", "discount_percent": "0",
              "tax": vat.pk}],
        ),
        **inline("attachments", []),
    }  # fmt: skip
    response = owner_client.post(reverse("admin:sales_invoice_add"), data)
    assert response.status_code == 302, response.content[:2000]
    invoice = Invoice.objects.get()
    assert invoice.number == "INV-000001" and invoice.currency == customer_a.currency
    assert invoice.total == Decimal("110.00") == invoice.balance_due
    assert invoice.due_date is not None


def test_a_negative_rate_is_a_form_error(owner_client: Client, customer_a: Contact) -> None:
    data = {
        "contact": customer_a.pk,
        "kind": "regular",
        "issue_date": "2026-01-15",
        "discount": "0",
        **inline("lines", [{"description": "x", "quantity": "1", "rate": "-5",
                            "discount_percent": "0"}]),
        **inline("attachments", []),
    }  # fmt: skip
    response = owner_client.post(reverse("admin:sales_invoice_add"), data)
    assert response.status_code == 200
    assert not Invoice.objects.exists()


def test_actions_send_and_record_payment_through_the_services(
    owner_client: Client, customer_a: Contact
) -> None:
    invoice = make.invoice(customer_a, "80.00", send=False)
    url = reverse("admin:sales_invoice_changelist")
    owner_client.post(url, {"action": "send", "_selected_action": [invoice.pk]})
    owner_client.post(url, {"action": "record_payment", "_selected_action": [invoice.pk]})
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance_due) == ("paid", Decimal(0))
    assert Payment.objects.get().amount == Decimal("80.00")
    assert ledger.check() == []


def test_a_refused_action_is_reported_not_raised(owner_client: Client, customer_a: Contact) -> None:
    invoice = make.invoice(customer_a)
    url = reverse("admin:sales_invoice_changelist")
    response = owner_client.post(
        url, {"action": "send", "_selected_action": [invoice.pk]}, follow=True
    )
    assert response.status_code == 200
    assert "cannot become sent" in response.content.decode()


def test_an_estimate_is_converted_from_the_list(owner_client: Client, customer_a: Contact) -> None:
    estimate = make.estimate(customer_a)
    url = reverse("admin:sales_estimate_changelist")
    for action in ("send", "mark_accepted", "convert_to_invoice"):
        owner_client.post(url, {"action": action, "_selected_action": [estimate.pk]})
    assert Estimate.objects.get().status == "invoiced"
    assert Invoice.objects.get().estimate_id == estimate.pk


def test_a_payment_added_in_the_back_office_becomes_credit(
    owner_client: Client, customer_a: Contact
) -> None:
    data = {
        "contact": customer_a.pk,
        "date": "2026-01-15",
        "amount": "75.00",
        "mode": "cheque",
        "reference": "CHQ 1",
        "notes": "",
    }
    response = owner_client.post(reverse("admin:payments_payment_add"), data)
    assert response.status_code == 302
    assert Payment.objects.get().number == "PAY-000001"
    assert sales_ledger.balance_of(contact=customer_a).credit == Decimal("75.00")


def test_staff_download_attachments_of_their_own_organisation_only(
    owner_client: Client, customer_a: Contact, other_org_customer: Contact
) -> None:
    own = Attachment(
        organisation=customer_a.organisation, invoice=make.invoice(customer_a), name="brief.txt"
    )
    own.file.save("brief.txt", ContentFile(b"hello"))
    foreign = Attachment(
        organisation=other_org_customer.organisation,
        invoice=make.invoice(other_org_customer),
    )
    foreign.file.save("secret.txt", ContentFile(b"secret"))

    response = owner_client.get(reverse("sales:attachment_download", args=[own.public_id]))
    assert response.status_code == 200
    assert response.content == b"hello"
    response = owner_client.get(reverse("sales:attachment_download", args=[foreign.public_id]))
    assert response.status_code == 404


def test_attachments_are_not_public(client: Client, customer_a: Contact) -> None:
    attachment = Attachment(organisation=customer_a.organisation, invoice=make.invoice(customer_a))
    attachment.file.save("a.txt", ContentFile(b"x"))
    response = client.get(reverse("sales:attachment_download", args=[attachment.public_id]))
    assert response.status_code in (302, 404)


def test_the_customer_account_page_shows_balance_credit_and_ledger(
    owner_client: Client, customer_a: Contact
) -> None:
    make.invoice(customer_a, "100.00")
    url = reverse("admin:payments_customer_account", args=[customer_a.public_id])
    response = owner_client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "INV-000001" in page and "agrees" in page
    assert response.context["balance"].receivable == Decimal("100.00")


def test_another_organisations_customer_account_is_404(
    owner_client: Client, other_org_customer: Contact
) -> None:
    url = reverse("admin:payments_customer_account", args=[other_org_customer.public_id])
    assert owner_client.get(url).status_code == 404


def test_a_discount_above_the_subtotal_is_dropped_with_a_warning(
    owner_client: Client, customer_a: Contact
) -> None:
    data = {
        "contact": customer_a.pk,
        "kind": "regular",
        "issue_date": "2026-01-15",
        "discount": "500",
        **inline("lines", [{"description": "x", "quantity": "1", "rate": "50",
                            "discount_percent": "0"}]),
        **inline("attachments", []),
    }  # fmt: skip
    response = owner_client.post(reverse("admin:sales_invoice_add"), data)
    assert response.status_code == 302
    invoice = Invoice.objects.get()
    assert (invoice.discount, invoice.total) == (Decimal(0), Decimal("50.00"))


def test_a_payment_with_too_many_decimals_is_a_form_error(
    owner_client: Client, customer_a: Contact
) -> None:
    data = {"contact": customer_a.pk, "date": "2026-01-15", "amount": "10.005", "mode": "cash"}
    response = owner_client.post(reverse("admin:payments_payment_add"), data)
    assert response.status_code == 200
    assert "at most 2 decimals" in response.content.decode()
    assert not Payment.objects.exists()


def test_an_html_file_posing_as_text_is_refused_as_an_attachment(
    owner_client: Client, customer_a: Contact
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    invoice = make.invoice(customer_a, send=False)
    data = {
        "contact": customer_a.pk,
        "kind": "regular",
        "issue_date": "2026-01-15",
        "due_date": "2026-02-14",
        "allow_partial_payment": "on",
        "discount": "0",
        **inline("lines", []),
        **inline("attachments", [{"name": "x", "file": SimpleUploadedFile(
            "notes.txt", b"<html><script>alert(1)</script></html>", "text/plain")}]),
    }  # fmt: skip
    response = owner_client.post(reverse("admin:sales_invoice_change", args=[invoice.pk]), data)
    assert response.status_code == 200
    assert "can be attached" in response.content.decode()
    assert not Attachment.objects.exists()


def test_the_invoice_list_marks_what_the_customer_has_viewed(
    owner_client: Client, customer_a: Contact
) -> None:
    from django.utils import timezone

    seen = make.invoice(customer_a, "10.00")
    unseen = make.invoice(customer_a, "20.00")
    Invoice.objects.filter(pk=seen.pk).update(first_viewed_at=timezone.now())

    response = owner_client.get(reverse("admin:sales_invoice_changelist"))

    changelist = response.context["cl"]
    assert "viewed" in changelist.list_display
    marks = {row.pk: changelist.model_admin.viewed(row) for row in changelist.result_list}
    assert marks == {seen.pk: True, unseen.pk: False}
