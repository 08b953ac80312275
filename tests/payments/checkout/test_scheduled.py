"""`portico scheduled` (cron): the day's recurring invoice is made and paid by autopay, expired
estimates expire, and a retry changes nothing."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from portico.payments.models import Checkout
from portico.payments.saved_methods import saved_method_add
from portico.sales.models import Estimate, Invoice
from portico.sales.services import estimate_send
from tests.payments.checkout.conftest import Tokenise
from tests.sales import factories as sales

DAY = datetime.date(2026, 3, 2)


@pytest.mark.django_db
def test_the_command_makes_the_days_recurring_invoice_charges_autopay_and_expires_estimates(
    scope: Any,
    sandbox_account: Any,
    tokenise: Tokenise,
    customer_a: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a monthly profile on autopay, a saved card and an estimate that expired yesterday
    saved_method_add(scope=scope, account=sandbox_account, token=tokenise())
    sales.recurring_profile(customer_a, start_date=DAY, autopay=True)
    estimate = estimate_send(
        estimate=sales.estimate(customer_a, expiry_date=DAY - datetime.timedelta(days=1))
    )
    out = StringIO()
    # when cron runs the command for that day (twice: a retry changes nothing)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("scheduled", "--date", DAY.isoformat(), stdout=out)
    # then
    invoice = Invoice.objects.get(recurring_period=DAY)
    assert invoice.status == Invoice.Status.PAID
    assert Checkout.objects.filter(autopay=True).count() == 1
    estimate.refresh_from_db()
    assert estimate.status == Estimate.Status.EXPIRED
    assert "queued: recurring invoices" in out.getvalue()
