"""The invoice list (filters, sort, pages, htmx partial) and one invoice."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from portico.activity.models import Comment, Notification
from portico.contacts.models import Contact, ContactPerson
from portico.core import formats
from portico.orgs.models import Organisation
from portico.payments import services as payment_services
from portico.sales import services as sales_services
from portico.sales.models import Invoice
from portico.sales.services.common import totals_of
from tests.orgs.factories import TaxFactory
from tests.portal.pages.conftest import url
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db


def test_the_list_shows_sent_invoices_and_never_drafts_or_unsent_voids(
    portal_client: Client, org: Organisation, customer_a: Contact
) -> None:
    # given a sent invoice, a draft and an invoice voided before it was sent
    sent = sales.invoice(customer_a, "120.00")
    draft = sales.invoice(customer_a, "130.00", send=False)
    voided = sales_services.invoice_void(invoice=sales.invoice(customer_a, "140.00", send=False))

    # when the person opens the list
    response = portal_client.get(url(org, "invoices"))

    # then only the sent invoice is there
    body = response.content.decode()
    assert response.status_code == 200
    assert sent.number in body
    assert draft.number not in body and voided.number not in body


def test_another_customers_invoices_never_show(
    portal_client: Client, org: Organisation, customer_b: Contact
) -> None:
    theirs = sales.invoice(customer_b)
    body = portal_client.get(url(org, "invoices")).content.decode()
    assert theirs.number not in body


def test_filters_and_sort_come_from_the_query_string(
    portal_client: Client, org: Organisation, customer_a: Contact
) -> None:
    paid = sales.invoice(customer_a, "50.00")
    payment_services.payment_record(
        contact=customer_a,
        date=sales.DAY,
        amount=Decimal("50.00"),
        mode="cash",
        allocations=[(paid, Decimal("50.00"))],
    )
    today = datetime.date.today()
    open_small = sales.invoice(
        customer_a, "10.00", issue_date=today, due_date=today + datetime.timedelta(days=30)
    )
    open_big = sales.invoice(
        customer_a,
        "900.00",
        issue_date=datetime.date(2020, 1, 1),
        due_date=datetime.date(2020, 1, 2),
    )

    overdue = portal_client.get(url(org, "invoices?status=overdue")).content.decode()
    by_amount = portal_client.get(url(org, "invoices?sort=-amount")).content.decode()

    assert open_big.number in overdue and open_small.number not in overdue
    assert paid.number not in overdue
    assert paid.number in portal_client.get(url(org, "invoices?status=paid")).content.decode()
    assert by_amount.index(open_big.number) < by_amount.index(open_small.number)


def test_htmx_gets_only_the_list(
    portal_client: Client, org: Organisation, customer_a: Contact
) -> None:
    sales.invoice(customer_a)
    response = portal_client.get(
        url(org, "invoices?status=outstanding"),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="invoice-list",
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="invoice-list"')
    assert "<html" not in body


def test_the_list_paginates_in_pages_of_25(
    portal_client: Client, org: Organisation, customer_a: Contact
) -> None:
    for _ in range(27):
        sales.invoice(customer_a)
    first = portal_client.get(url(org, "invoices")).content.decode()
    second = portal_client.get(url(org, "invoices?page=2")).content.decode()
    assert first.count("/invoices/") - first.count("/invoices/?") >= 25
    assert "1–25 of 27" in first and "26–27 of 27" in second


def test_the_pages_line_follows_the_total_after_a_new_invoice(
    portal_client: Client, org: Organisation, customer_a: Contact
) -> None:
    # given 26 invoices, the list's pages line read once
    for _ in range(26):
        sales.invoice(customer_a)
    assert "1–25 of 26" in portal_client.get(url(org, "invoices")).content.decode()
    # when another is sent, the same address shows the new total
    sales.invoice(customer_a)
    assert "1–25 of 27" in portal_client.get(url(org, "invoices")).content.decode()


def test_the_detail_shows_lines_totals_and_balance_and_marks_it_viewed_once(
    portal_client: Client, org: Organisation, customer_a: Contact
) -> None:
    invoice = sales.invoice(customer_a, "75.00")

    first = portal_client.get(url(org, f"invoices/{invoice.public_id}"))
    portal_client.get(url(org, f"invoices/{invoice.public_id}"))

    body = first.content.decode()
    assert first.status_code == 200
    assert "Consulting" in body and "$75.00" in body
    invoice.refresh_from_db()
    assert invoice.first_viewed_at is not None and invoice.status == Invoice.Status.VIEWED
    assert Notification.objects.filter(kind="viewed", invoice=invoice).count() == 1


def test_a_staff_preview_does_not_count_as_viewed(
    owner_client: Client, org: Organisation, customer_a: Contact
) -> None:
    invoice = sales.invoice(customer_a)
    response = owner_client.get(url(org, f"invoices/{invoice.public_id}"))
    invoice.refresh_from_db()
    assert response.status_code in (302, 403, 404)
    assert invoice.first_viewed_at is None
    assert Notification.objects.count() == 0


def test_another_customers_invoice_is_a_404(
    portal_client: Client, org: Organisation, customer_b: Contact
) -> None:
    theirs = sales.invoice(customer_b)
    draft = sales.invoice(customer_b, send=False)
    for invoice in (theirs, draft):
        assert portal_client.get(url(org, f"invoices/{invoice.public_id}")).status_code == 404
    theirs.refresh_from_db()
    assert theirs.first_viewed_at is None


def test_a_comment_is_posted_and_escaped(
    portal_client: Client, org: Organisation, customer_a: Contact
) -> None:
    invoice = sales.invoice(customer_a)
    response = portal_client.post(
        url(org, f"invoices/{invoice.public_id}/comments"), {"body": "<script>x</script> ok?"}
    )
    assert response.status_code == 302
    page = portal_client.get(url(org, f"invoices/{invoice.public_id}")).content.decode()
    assert "&lt;script&gt;x&lt;/script&gt; ok?" in page
    assert Comment.objects.get().author_person is not None


def test_the_detail_lists_payments_and_credits_applied(
    portal_client: Client, org: Organisation, customer_a: Contact
) -> None:
    from portico.payments.models import CustomerCredit

    invoice = sales.invoice(customer_a, "100.00")
    payment = payment_services.payment_record(
        contact=customer_a,
        date=sales.DAY,
        amount=Decimal("60.00"),
        mode="cash",
        allocations=[(invoice, Decimal("60.00"))],
    )
    note = sales.credit_note(customer_a, "25.00")
    payment_services.credit_apply(
        credit=CustomerCredit.objects.get(credit_note=note),
        invoice=invoice,
        amount=Decimal("25.00"),
    )

    body = portal_client.get(url(org, f"invoices/{invoice.public_id}")).content.decode()

    assert f"/payments/{payment.public_id}" in body and "−$60.00" in body
    assert f"Credit {note.number}" in body and "−$25.00" in body
    assert 'id="balance-due">$15.00<' in body


def test_the_items_card_shows_taxes_discounts_and_totals_in_the_persons_language(
    portal_client: Client, org: Organisation, customer_a: Contact, customer_a_person: Any
) -> None:
    # given an invoice with a taxed, discounted line and a German-speaking person
    vat = TaxFactory(organisation=org, name="MwSt", rate=Decimal("19.000"))
    line = sales.line("200.00", quantity="1.5", discount_percent=Decimal("12.5"), tax=vat)
    invoice = sales_services.invoice_send(
        invoice=sales_services.invoice_create(
            contact=customer_a, lines=[line], issue_date=sales.DAY
        )
    )
    ContactPerson.objects.filter(pk=customer_a_person.pk).update(language="de")

    # when the person opens it
    body = portal_client.get(url(org, f"invoices/{invoice.public_id}")).content.decode()

    # then each cell is formatted for German, as the filters would
    assert "MwSt 19%" in body and "MwSt (19%)" in body
    assert "12,50 % Rabatt" in body
    assert ">1,5000<" in body
    totals = totals_of(
        rows=list(invoice.lines.all()), currency=invoice.currency, discount=Decimal(0)
    )
    for amount in (line.rate, totals.subtotal, totals.taxes[0].amount, invoice.total):
        assert formats.format_money(amount, invoice.currency, "de") in body
