"""Bank debits stay pending until the sandbox's signed webhook settles them, exactly once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from portico.payments.models import Checkout, Payment, WebhookEventReceipt
from portico.sales.models import Invoice
from tests.gateways import pan_scan
from tests.payments.checkout.conftest import Inbox, Tokenise

pytestmark = pytest.mark.django_db

Pay = Callable[..., Checkout]
BankToken = Callable[[str], str]
State = Checkout.State
AMEX = "378282246310005"


@pytest.fixture(autouse=True)
def bank_debit_allowed(customer_a: Any) -> None:
    customer_a.allow_bank_debit = True
    customer_a.save()


def test_a_bank_debit_is_pending_then_settled_by_the_webhook(
    pay: Pay, invoice: Invoice, bank_token: BankToken, webhooks: Inbox
) -> None:
    # given a pending debit
    done = pay([invoice], token=bank_token("000123456789"), method_kind="bank")
    assert done.state == State.PENDING
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.SENT
    # when the bank settles
    call_command("sandbox", "settle")
    # then the payment is posted once
    done.refresh_from_db()
    invoice.refresh_from_db()
    assert done.state == State.SUCCEEDED and done.payment is not None
    assert done.payment.mode == "bank_debit"
    assert invoice.status == Invoice.Status.PAID
    assert len(webhooks.received) == 1


def test_a_closed_account_fails_and_leaves_the_invoice_unchanged(
    pay: Pay, invoice: Invoice, bank_token: BankToken, webhooks: Inbox
) -> None:
    balance = invoice.balance_due
    done = pay([invoice], token=bank_token("000111111113"), method_kind="bank")
    call_command("sandbox", "settle")
    done.refresh_from_db()
    invoice.refresh_from_db()
    assert done.state == State.FAILED and done.error_code == "account_closed"
    assert invoice.balance_due == balance and Payment.objects.count() == 0


def test_a_pending_debit_blocks_a_second_payment(
    pay: Pay, invoice: Invoice, bank_token: BankToken, tokenise: Tokenise
) -> None:
    pay([invoice], token=bank_token("000123456789"), method_kind="bank")
    with pytest.raises(Exception) as error:
        pay([invoice], token=tokenise())
    assert getattr(error.value, "code", "") == "payment_pending"


def test_a_replayed_webhook_posts_nothing_twice(
    pay: Pay, invoice: Invoice, bank_token: BankToken, webhooks: Inbox
) -> None:
    pay([invoice], token=bank_token("000123456789"), method_kind="bank")
    call_command("sandbox", "settle")
    url, body, headers = webhooks.received[0]
    # when the same event arrives again
    status = webhooks(url, body, headers)
    # then it is accepted and ignored
    assert status == 200
    assert Payment.objects.count() == 1
    assert WebhookEventReceipt.objects.count() == 1


def test_a_bad_signature_is_400_and_changes_nothing(
    pay: Pay, invoice: Invoice, bank_token: BankToken, webhooks: Inbox, sandbox_account: Any
) -> None:
    pay([invoice], token=bank_token("000123456789"), method_kind="bank")
    response = Client().post(
        f"/payments/webhooks/sandbox/{sandbox_account.publishable_key}",
        b'{"id": "evt_forged"}',
        content_type="application/json",
        headers={"Sandbox-Signature": "t=1,v1=deadbeef"},
    )
    assert response.status_code == 400
    assert WebhookEventReceipt.objects.count() == 0 and Payment.objects.count() == 0


def test_an_unknown_account_is_404() -> None:
    response = Client().post("/payments/webhooks/sandbox/pk_nope", b"{}", "application/json")
    assert response.status_code == 404


def test_reconcile_settles_a_pending_debit_whose_webhook_was_lost(
    pay: Pay, invoice: Invoice, bank_token: BankToken, monkeypatch: pytest.MonkeyPatch
) -> None:
    from portico.payments.gateways.sandbox import settlement

    monkeypatch.setattr(settlement, "http_post", lambda *a, **k: 500)
    done = pay([invoice], token=bank_token("000123456789"), method_kind="bank")
    call_command("sandbox", "settle")
    call_command("payments", "reconcile")
    call_command("payments", "reconcile")
    done.refresh_from_db()
    assert done.state == State.SUCCEEDED and Payment.objects.count() == 1


def test_no_card_number_or_cvv_is_kept_anywhere(
    pay: Pay,
    invoice: Invoice,
    tokenise: Tokenise,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: Any,
    customer_a: Any,
) -> None:
    from tests.sales import factories as sales

    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        pay([invoice], token=tokenise(AMEX, cvc="7351"), save_method=True)
        pay([sales.invoice(customer_a, "20.00")], token=tokenise("4000000000000002"))
    # Only what was typed counts: a random factory value may happen to be Luhn-valid.
    typed = {AMEX, "4000000000000002", "7351"}
    findings = [
        *pan_scan.scan_database(["7351"]),
        *pan_scan.scan_logs(caplog.records, ["7351"]),
        *pan_scan.scan_outbox(["7351"]),
    ]
    assert [str(f) for f in findings if f.what in typed] == []
