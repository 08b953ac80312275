"""After a crash the customer sees "being confirmed", not "Unpaid", until reconcile settles it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from portico.payments import reconcile
from portico.payments.checkout import services as checkout
from portico.payments.models import Checkout
from portico.sales.models import Invoice
from tests.payments.checkout.conftest import Tokenise
from tests.payments.checkout.test_portal_pages import client_a  # noqa: F401
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db


def test_an_unknown_payment_shows_being_confirmed_on_list_detail_and_home_until_reconciled(
    client_a: Client,  # noqa: F811
    pay: Any,
    invoice: Invoice,
    customer_a: Any,
    tokenise: Tokenise,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given a crash after the charge of one invoice, and another invoice left unpaid
    other = sales.invoice(customer_a, "20.00")

    def crash(**kwargs: Any) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(checkout, "checkout_apply_result", crash)
    done = pay([invoice], token=tokenise())
    monkeypatch.undo()
    assert done.state == Checkout.State.UNKNOWN

    # then the list says so for that invoice (not "Unpaid" or "Overdue"), and not for the other
    listing = client_a.get("/portal/studio-a/invoices").content.decode()
    row = listing[listing.index(invoice.number) :]
    row = row[: row.index("</tr>")]
    assert "Payment being confirmed" in row
    assert "Unpaid" not in row and "Overdue" not in row
    other_row = listing[listing.index(other.number) :]
    assert "Payment being confirmed" not in other_row[: other_row.index("</tr>")]
    # and its page offers no second payment
    detail = client_a.get(f"/portal/studio-a/invoices/{invoice.public_id}").content.decode()
    assert 'id="payment-confirming"' in detail and "Your payment is being confirmed" in detail
    assert 'id="pay-now"' not in detail
    # and home tells the customer
    home = client_a.get("/portal/studio-a/").content.decode()
    assert 'id="payment-confirming"' in home
    # and the pay page cannot choose it again
    page = client_a.get("/portal/studio-a/pay/").content.decode()
    assert "payment being confirmed" in page
    assert f'name="invoice" value="{invoice.public_id}"' not in page
    outcome = client_a.get(f"/portal/studio-a/pay/checkouts/{done.public_id}").content.decode()
    assert "Your payment is being confirmed" in outcome
    # a card already known while the outcome is not is not yet "paid with"
    Checkout.objects.filter(pk=done.pk).update(brand="Visa", last4="4242")
    outcome = client_a.get(f"/portal/studio-a/pay/checkouts/{done.public_id}").content.decode()
    assert "Paid with" not in outcome and "Paying with" in outcome

    # when reconcile asks the gateway
    reconcile.checkouts_reconcile()

    # then the invoice is paid and nothing is "being confirmed" any more
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert 'id="payment-confirming"' not in client_a.get("/portal/studio-a/").content.decode()
    listing = client_a.get("/portal/studio-a/invoices").content.decode()
    assert "Payment being confirmed" not in listing
    outcome = client_a.get(f"/portal/studio-a/pay/checkouts/{done.public_id}").content.decode()
    assert "Paid with" in outcome and "Paying with" not in outcome
