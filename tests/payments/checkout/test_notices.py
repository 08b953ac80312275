"""The customer's payment emails: templates in the recipient's language, amounts by currency,
and a failed bank debit that reaches the customer."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command

from portico.activity.mail import OutgoingEmail
from portico.contacts.models import Contact, ContactPerson
from portico.contacts.scope import PortalScope
from portico.orgs.models import GatewayAccount, Organisation
from portico.payments import notices
from portico.payments.checkout import services as checkout_services
from portico.payments.models import Checkout, Payment
from portico.sales.models import Invoice
from tests.payments.checkout.conftest import Inbox
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db

NBSP = "\xa0"


def a_receipt(
    org: Organisation, person: ContactPerson, *, amount: str, currency: str, autopay: bool = False
) -> OutgoingEmail:
    payment = Payment(number="PAY-00042")
    checkout = Checkout(
        organisation=org,
        contact=person.contact,
        person=person,
        amount=Decimal(amount),
        currency=currency,
        method_kind="card",
        brand="visa",
        last4="4242",
        gateway_transaction_id="ch_123",
        autopay=autopay,
        payment=payment,
    )
    return notices.receipt_email(checkout, "INV-00007", [person.email])


@pytest.mark.parametrize(
    ("language", "currency", "shown"),
    [
        ("en", "JPY", "¥1,235"),  # yen have no minor unit: rounded, no decimals
        ("de", "EUR", f"1.234,50{NBSP}€"),
        ("fr", "JPY", f"1\u202f235{NBSP}JPY"),  # French names the yen by its code
    ],
)
def test_the_receipt_is_in_the_persons_language_with_money_by_currency(
    org: Organisation, customer_a_person: ContactPerson, language: str, currency: str, shown: str
) -> None:
    # given a person who reads another language than the organisation
    customer_a_person.language = language
    # when
    email = a_receipt(org, customer_a_person, amount="1234.50", currency=currency)
    # then both parts are rendered in that language, on the shared layout
    assert f'<html lang="{language}"' in email.html
    assert shown in email.text and shown in email.html
    assert "PAY-00042" in email.subject and org.name in email.subject
    assert "INV-00007" in email.text and "visa •••• 4242" in email.text
    assert "/portal/" in email.text and "{%" not in email.text and "{{" not in email.html
    assert email.to == [customer_a_person.email]


def test_the_receipt_falls_back_to_the_customers_then_the_organisations_language(
    org: Organisation, customer_a_person: ContactPerson
) -> None:
    customer_a_person.language = ""
    customer_a_person.contact.language = "es"
    assert '<html lang="es"' in a_receipt(org, customer_a_person, amount="5", currency="EUR").html
    customer_a_person.contact.language = ""
    org.language = "de"
    assert '<html lang="de"' in a_receipt(org, customer_a_person, amount="5", currency="EUR").html


def test_an_autopay_receipt_says_it_was_charged_automatically(
    org: Organisation, customer_a_person: ContactPerson
) -> None:
    email = a_receipt(org, customer_a_person, amount="45", currency="USD", autopay=True)
    assert "charged automatically" in email.text and "charged automatically" in email.html
    assert "$45.00" in email.text


def test_an_arabic_notice_is_right_to_left(
    org: Organisation, customer_a_person: ContactPerson
) -> None:
    customer_a_person.language = "ar"
    assert 'dir="rtl"' in a_receipt(org, customer_a_person, amount="5", currency="USD").html


@pytest.mark.parametrize(("language", "shown"), [("en", "¥1,235"), ("de", f"1.235{NBSP}¥")])
def test_the_autopay_notice_is_in_the_customers_language_with_the_amount_due(
    customer_a: Contact,
    customer_a_person: ContactPerson,
    django_capture_on_commit_callbacks: Any,
    language: str,
    shown: str,
) -> None:
    # given a yen customer whose primary person has no language of their own
    customer_a.language = language
    customer_a.currency = "JPY"
    customer_a.save()
    ContactPerson.objects.filter(pk=customer_a_person.pk).update(is_primary=True, language="")
    invoice = sales.invoice(customer_a, "1234.50")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        notices.autopay_failed_send(invoice=invoice, code="CP4002", message="No recurring charges")
    # then
    (sent,) = mail.outbox
    html = sent.alternatives[0].content
    assert sent.to == [customer_a_person.email]
    assert f'<html lang="{language}"' in str(html)
    assert invoice.number in sent.subject
    assert "CP4002" in sent.body and shown in sent.body and shown in str(html)
    assert f"/portal/{customer_a.organisation.slug}/invoices/{invoice.public_id}" in sent.body


# --- a failed bank debit -------------------------------------------------------------------------


@pytest.fixture
def bank_customer(customer_a: Contact) -> Contact:
    customer_a.allow_bank_debit = True
    customer_a.save()
    return customer_a


@pytest.fixture
def pay_by_bank(
    bank_customer: Contact,
    customer_a_person: ContactPerson,
    sandbox_account: GatewayAccount,
    bank_token: Callable[[str], str],
) -> Callable[[Invoice, str], Checkout]:
    scope = PortalScope(
        organisation=bank_customer.organisation, contact=bank_customer, person=customer_a_person
    )

    def run(invoice: Invoice, account_number: str) -> Checkout:
        return checkout_services.checkout_start(
            scope=scope,
            invoices=[invoice],
            idempotency_key=uuid.uuid4().hex,
            token=bank_token(account_number),
            method_kind="bank",
        )

    return run


def test_a_failed_bank_debit_emails_the_customer_once(
    bank_customer: Contact,
    customer_a_person: ContactPerson,
    pay_by_bank: Callable[[Invoice, str], Checkout],
    webhooks: Inbox,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a pending debit from an account the bank will find closed
    invoice = sales.invoice(bank_customer, "1234.50")
    done = pay_by_bank(invoice, "000111111113")
    assert done.state == Checkout.State.PENDING
    mail.outbox.clear()
    # when the bank settles it, and the same webhook is delivered again
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sandbox", "settle")
    url, body, headers = webhooks.received[0]
    with django_capture_on_commit_callbacks(execute=True):
        assert webhooks(url, body, headers) == 200
    # then the customer is told once, with the invoice that is open again
    done.refresh_from_db()
    assert done.state == Checkout.State.FAILED
    told = [m for m in mail.outbox if customer_a_person.email in m.to]
    assert len(told) == 1
    (email,) = told
    assert "bank debit" in email.subject and bank_customer.organisation.name in email.subject
    assert "$1,234.50" in email.body and invoice.number in email.body
    assert "Nothing was taken" in email.body
    assert '<html lang="en"' in str(email.alternatives[0].content)
    # and the business still gets its notification
    assert any(m.to == [bank_customer.organisation.primary_email] for m in mail.outbox)


def test_a_bank_debit_that_settles_sends_no_failure_notice(
    bank_customer: Contact,
    customer_a_person: ContactPerson,
    pay_by_bank: Callable[[Invoice, str], Checkout],
    webhooks: Inbox,
    django_capture_on_commit_callbacks: Any,
) -> None:
    pay_by_bank(sales.invoice(bank_customer, "100.00"), "000123456789")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sandbox", "settle")
    assert not [m for m in mail.outbox if "did not go through" in m.subject]


def test_reconcile_tells_the_customer_of_a_failed_debit_whose_webhook_was_lost(
    bank_customer: Contact,
    customer_a_person: ContactPerson,
    pay_by_bank: Callable[[Invoice, str], Checkout],
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from portico.payments.gateways.sandbox import settlement

    # given the bank failed the debit but its webhook never arrived
    monkeypatch.setattr(settlement, "http_post", lambda *a, **k: 500)
    done = pay_by_bank(sales.invoice(bank_customer, "100.00"), "000111111113")
    call_command("sandbox", "settle")
    mail.outbox.clear()
    # when reconcile runs twice
    with django_capture_on_commit_callbacks(execute=True):
        call_command("payments", "reconcile")
        call_command("payments", "reconcile")
    # then
    done.refresh_from_db()
    assert done.state == Checkout.State.FAILED
    told = [m for m in mail.outbox if m.to == [customer_a_person.email]]
    assert len(told) == 1 and "did not go through" in told[0].subject
