"""Payments made, the receipt, and the dashboard's figures."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client

from portico.contacts.models import Contact
from portico.orgs.models import Organisation
from portico.payments import services as payment_services
from portico.payments.models import Payment
from portico.sales import services as sales_services
from tests.portal.pages.conftest import url
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db


def pay(contact: Contact, invoice: object, amount: str, **fields: object) -> Payment:
    return payment_services.payment_record(
        contact=contact,
        date=fields.pop("date", sales.DAY),  # type: ignore[arg-type]
        amount=Decimal(amount),
        mode=fields.pop("mode", "bank_transfer"),  # type: ignore[arg-type]
        allocations=[(invoice, Decimal(amount))] if invoice is not None else None,  # type: ignore[list-item]
        **fields,  # type: ignore[arg-type]
    )


def test_the_payments_list_shows_the_customers_payments_only(
    portal_client: Client, org: Organisation, customer_a: Contact, customer_b: Contact
) -> None:
    mine = pay(customer_a, sales.invoice(customer_a, "40.00"), "40.00", reference="WIRE-1")
    theirs = pay(customer_b, sales.invoice(customer_b, "41.00"), "41.00")
    credit_only = pay(customer_a, None, "15.00")

    body = portal_client.get(url(org, "payments")).content.decode()
    invoice_payments = portal_client.get(url(org, "payments?status=invoice")).content.decode()

    assert mine.number in body and credit_only.number in body
    assert theirs.number not in body
    assert mine.number in invoice_payments and credit_only.number not in invoice_payments


def test_the_receipt_lists_what_the_payment_paid_and_the_credit_left(
    portal_client: Client, org: Organisation, customer_a: Contact
) -> None:
    invoice = sales.invoice(customer_a, "100.00")
    payment = payment_services.payment_record(
        contact=customer_a,
        date=sales.DAY,
        amount=Decimal("130.00"),
        mode="cheque",
        reference="CHQ 881",
        allocations=[(invoice, Decimal("100.00"))],
    )

    body = portal_client.get(url(org, f"payments/{payment.public_id}")).content.decode()

    assert invoice.number in body and "CHQ 881" in body and "Cheque" in body
    assert "$30.00 became credit" in body


def test_another_customers_receipt_is_a_404(
    portal_client: Client, org: Organisation, customer_b: Contact
) -> None:
    theirs = pay(customer_b, None, "10.00")
    assert portal_client.get(url(org, f"payments/{theirs.public_id}")).status_code == 404


def test_home_shows_what_is_owed_awaiting_estimates_the_last_payment_and_credit(
    portal_client: Client, org: Organisation, customer_a: Contact, customer_b: Contact
) -> None:
    # given two open invoices, one overdue, a retainer, an estimate to answer and some credit
    today = datetime.date.today()
    sales.invoice(customer_a, "100.00", issue_date=today, due_date=today)
    sales.invoice(
        customer_a,
        "50.00",
        issue_date=datetime.date(2020, 1, 1),
        due_date=datetime.date(2020, 1, 31),
    )
    sales.invoice(customer_a, "500.00", kind="retainer")
    sales_services.estimate_send(estimate=sales.estimate(customer_a))
    credit = pay(customer_a, None, "7.00", date=datetime.date(2026, 3, 1))
    sales.invoice(customer_b, "999.00")

    # when the person opens home
    body = portal_client.get(url(org)).content.decode()

    # then the figures are the customer's own
    assert "$150.00" in body  # outstanding regular invoices (VAT-free lines)
    assert "2 invoices" in body and "1 overdue ($50.00)" in body
    assert "$500.00" in body and "1 retainer invoice" in body
    assert 'id="awaiting-count">1<' in body
    assert "$7.00" in body and "Unused credit: $7.00" in body
    receipt = f"/portal/{org.slug}/payments/{credit.public_id}"
    assert f'href="{receipt}">Receipt</a>' in body
    assert "$999.00" not in body
    assert customer_a.display_name in body


def test_an_online_payments_receipt_shows_the_card_brand_and_last_4_only(
    portal_client: Client, org: Organisation, customer_a: Contact
) -> None:
    import uuid

    from portico.payments.models import Checkout
    from tests.gateways.factories import GatewayAccountFactory

    invoice = sales.invoice(customer_a, "64.00")
    payment = pay(customer_a, invoice, "64.00", mode="card", source="online")
    Checkout.objects.create(
        organisation=org,
        contact=customer_a,
        gateway_account=GatewayAccountFactory(organisation=org),
        amount=Decimal("64.00"),
        currency="USD",
        idempotency_key=uuid.uuid4().hex,
        state=Checkout.State.SUCCEEDED,
        brand="visa",
        last4="4242",
        payment=payment,
    )

    body = portal_client.get(url(org, f"payments/{payment.public_id}")).content.decode()

    assert "Card · visa ···· 4242" in body
    assert "4242 4242" not in body
