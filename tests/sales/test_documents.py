"""Estimates, sales orders and credit notes through their status tables."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from portico.contacts.models import Contact
from portico.core.errors import DomainError, InvalidTransition
from portico.sales import services, transitions
from portico.sales.models import Estimate, SalesOrder
from tests.sales import factories as make

pytestmark = pytest.mark.django_db


def test_an_accepted_estimate_becomes_an_invoice_with_its_lines(customer_a: Contact) -> None:
    # given a sent estimate the customer accepted
    estimate = services.estimate_send(estimate=make.estimate(customer_a, "420.00"))
    estimate = services.estimate_accept(estimate=estimate, signed_name=" Ann ", ip="203.0.113.5")
    assert (estimate.status, estimate.signed_name) == ("accepted", "Ann")

    # when it is converted
    invoice = services.estimate_convert_to_invoice(estimate=estimate)

    # then a draft invoice carries its lines and points back at it
    assert invoice.status == "draft" and invoice.estimate_id == estimate.pk
    assert invoice.total == Decimal("420.00") and invoice.reference == estimate.number
    assert Estimate.objects.get(pk=estimate.pk).status == "invoiced"


def test_an_expired_estimate_cannot_be_accepted_by_anyone(customer_a: Contact) -> None:
    # given an estimate that expired yesterday, not yet swept by the expiry job
    estimate = services.estimate_send(estimate=make.estimate(customer_a))
    Estimate.objects.filter(pk=estimate.pk).update(
        expiry_date=datetime.date.today() - datetime.timedelta(days=1)
    )

    # when the back office (or the API) accepts it, the service refuses
    with pytest.raises(DomainError) as caught:
        services.estimate_accept(estimate=estimate, signed_name="Ann")

    # then nothing changed; on the day it was still open, it could be accepted
    assert caught.value.code == "estimate_expired"
    assert Estimate.objects.get(pk=estimate.pk).status == "sent"
    two_days_ago = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=2)
    accepted = services.estimate_accept(estimate=estimate, signed_name="Ann", when=two_days_ago)
    assert (accepted.status, accepted.accepted_at) == ("accepted", two_days_ago)


def test_a_declined_estimate_cannot_be_accepted(customer_a: Contact) -> None:
    estimate = services.estimate_send(estimate=make.estimate(customer_a))
    estimate = services.estimate_decline(estimate=estimate, reason="Too dear")
    with pytest.raises(InvalidTransition) as caught:
        services.estimate_accept(estimate=estimate)
    assert str(caught.value) == "A estimate that is declined cannot become accepted."


def test_a_draft_estimate_cannot_be_converted(customer_a: Contact) -> None:
    with pytest.raises(InvalidTransition):
        services.estimate_convert_to_invoice(estimate=make.estimate(customer_a))


@pytest.mark.postgres  # PostgreSQL refuses FOR UPDATE with GROUP BY: the job once did both
def test_unanswered_estimates_expire_after_their_date(customer_a: Contact) -> None:
    late = services.estimate_send(
        estimate=make.estimate(customer_a, expiry_date=make.DAY + datetime.timedelta(days=7))
    )
    services.estimate_send(
        estimate=make.estimate(customer_a, expiry_date=make.DAY + datetime.timedelta(days=60))
    )
    assert services.estimate_expire_due(today=make.DAY + datetime.timedelta(days=30)) == 1
    assert Estimate.objects.get(pk=late.pk).status == "expired"


def test_viewing_an_estimate_marks_it_viewed(customer_a: Contact) -> None:
    estimate = services.estimate_send(estimate=make.estimate(customer_a))
    estimate = services.estimate_mark_viewed(estimate=estimate)
    assert estimate.status == "viewed" and estimate.first_viewed_at is not None


def test_a_sales_order_is_confirmed_invoiced_and_fulfilled(customer_a: Contact) -> None:
    order = services.sales_order_confirm(sales_order=make.sales_order(customer_a, "75.00"))
    invoice = services.sales_order_convert_to_invoice(sales_order=order)
    order = services.sales_order_fulfil(sales_order=order)
    assert order.status == "fulfilled"
    assert list(order.invoices.all()) == [invoice]
    assert invoice.total == Decimal("75.00")


def test_a_draft_sales_order_cannot_be_invoiced(customer_a: Contact) -> None:
    with pytest.raises(DomainError):
        services.sales_order_convert_to_invoice(sales_order=make.sales_order(customer_a))


def test_a_cancelled_sales_order_stays_cancelled(customer_a: Contact) -> None:
    order = services.sales_order_confirm(sales_order=make.sales_order(customer_a))
    order = services.sales_order_cancel(sales_order=order)
    with pytest.raises(InvalidTransition):
        services.sales_order_fulfil(sales_order=order)
    assert SalesOrder.objects.get(pk=order.pk).status == "cancelled"


def test_a_credit_note_against_another_customers_invoice_is_refused(
    customer_a: Contact, customer_b: Contact
) -> None:
    invoice = make.invoice(customer_b)
    with pytest.raises(DomainError):
        services.credit_note_create(
            contact=customer_a, lines=[make.line()], issue_date=make.DAY, invoice=invoice
        )


@pytest.mark.parametrize("kind", list(transitions.TABLES))
def test_every_target_in_a_table_is_a_status_of_that_kind(kind: str) -> None:
    table = transitions.TABLES[kind]
    targets = set().union(*table.values())
    assert targets <= set(table)


def test_the_first_view_of_a_sales_order_is_kept(customer_a: Contact) -> None:
    order = make.sales_order(customer_a)
    services.document_mark_first_viewed(document=order)
    first = SalesOrder.objects.get(pk=order.pk).first_viewed_at
    services.document_mark_first_viewed(document=SalesOrder.objects.get(pk=order.pk))
    assert first is not None
    assert SalesOrder.objects.get(pk=order.pk).first_viewed_at == first
