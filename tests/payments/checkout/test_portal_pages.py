"""The portal's payment pages: pay, the outcome, saved methods; the form never trusted."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from portico.orgs.models import GatewayAccount, Organisation
from portico.payments.gateways.sandbox.models import Charge
from portico.payments.models import Checkout, SavedMethod
from portico.sales.models import Invoice
from tests.payments.checkout.conftest import Tokenise
from tests.portal.conftest import enable_with_password, portal_login
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_a(customer_a_person: Any, password: str, org: Organisation) -> Client:
    enable_with_password(customer_a_person, password)
    client = Client()
    assert portal_login(client, org, customer_a_person.email, password).status_code == 302
    return client


def form_of(response: Any) -> dict[str, Any]:
    html = response.content.decode()
    key = re.search(r'name="key" value="([^"]+)"', html)
    digest = re.search(r'name="digest" value="([0-9a-f]{64})"', html)
    assert key and digest
    shown = re.search(r'name="shown" value="([^"]*)"', html)
    assert shown
    return {"key": key.group(1), "digest": digest.group(1), "shown": shown.group(1)}


def test_pay_now_shows_the_invoice_and_the_card_fields(
    client_a: Client, invoice: Invoice, sandbox_account: GatewayAccount
) -> None:
    response = client_a.get(f"/portal/studio-a/pay/?invoice={invoice.public_id}")
    html = response.content.decode()
    assert response.status_code == 200
    assert invoice.number in html
    assert "/sandbox-gateway/v1/hosted-fields" in html
    assert "<script>" not in html and "style=" not in html


def test_paying_by_card_leads_to_the_receipt(
    client_a: Client, invoice: Invoice, tokenise: Tokenise
) -> None:
    page = client_a.get(f"/portal/studio-a/pay/?invoice={invoice.public_id}")
    data = {
        **form_of(page),
        "invoice": [str(invoice.public_id)],
        "method": "card",
        "token": tokenise(),
        "save_method": "on",
    }
    response = client_a.post("/portal/studio-a/pay/", data)
    assert response.status_code == 302
    outcome = client_a.get(response["Location"])
    assert "went through" in outcome.content.decode()
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert SavedMethod.objects.count() == 1
    # the same form posted again (a double click, a replay) charges nothing more
    again = client_a.post("/portal/studio-a/pay/", data)
    assert again.status_code == 302 and again["Location"] == response["Location"]
    assert Charge.objects.count() == 1


def test_a_declined_card_shows_the_code(
    client_a: Client, invoice: Invoice, tokenise: Tokenise
) -> None:
    page = client_a.get("/portal/studio-a/pay/")
    data = {
        **form_of(page),
        "invoice": [str(invoice.public_id)],
        "method": "card",
        "token": tokenise("4100000000000019"),
    }
    response = client_a.post("/portal/studio-a/pay/", data, follow=True)
    assert "CP3003" in response.content.decode()


def test_an_invoice_paid_meanwhile_asks_to_confirm_again(
    client_a: Client, invoice: Invoice, tokenise: Tokenise, customer_a: Any
) -> None:
    other = sales.invoice(customer_a, "20.00")
    page = client_a.get("/portal/studio-a/pay/")
    Invoice.objects.filter(pk=other.pk).update(status=Invoice.Status.VOID)
    data = {
        **form_of(page),
        "invoice": [str(invoice.public_id), str(other.public_id)],
        "method": "card",
        "token": tokenise(),
    }
    response = client_a.post("/portal/studio-a/pay/", data)
    assert response.status_code == 409
    assert "confirm again" in response.content.decode()
    assert Checkout.objects.count() == 0


def test_a_bad_amount_is_a_clear_error(
    client_a: Client, invoice: Invoice, tokenise: Tokenise
) -> None:
    page = client_a.get("/portal/studio-a/pay/")
    data = {
        **form_of(page),
        "invoice": [str(invoice.public_id)],
        "method": "card",
        "token": tokenise(),
        "amount": "1.005",
    }
    response = client_a.post("/portal/studio-a/pay/", data)
    assert response.status_code == 400
    assert "decimals" in response.content.decode()
    assert Charge.objects.count() == 0


def test_saved_methods_add_default_edit_and_delete(
    client_a: Client, tokenise: Tokenise, sandbox_account: GatewayAccount
) -> None:
    client_a.post("/portal/studio-a/pay/methods/add", {"token": tokenise()})
    client_a.post("/portal/studio-a/pay/methods/add", {"token": tokenise("5555555555554444")})
    first, second = SavedMethod.objects.order_by("created_at")
    assert first.is_default and not second.is_default
    assert client_a.get("/portal/studio-a/pay/methods").status_code == 200
    client_a.post(f"/portal/studio-a/pay/methods/{second.public_id}/default")
    second.refresh_from_db()
    assert second.is_default
    edit = {"exp_month": "3", "exp_year": "2031", "postal_code": "10001", "country": "US"}
    response = client_a.post(f"/portal/studio-a/pay/methods/{second.public_id}/edit", edit)
    assert response.status_code == 302
    second.refresh_from_db()
    assert (second.exp_month, second.exp_year, second.billing_postal_code) == (3, 2031, "10001")
    client_a.post(f"/portal/studio-a/pay/methods/{second.public_id}/delete")
    assert list(SavedMethod.objects.all()) == [first]
    first.refresh_from_db()
    assert first.is_default
    # deleting again is a 404, nothing else
    gone = client_a.post(f"/portal/studio-a/pay/methods/{second.public_id}/delete")
    assert gone.status_code == 404


def test_unused_credit_can_be_applied_before_paying(
    client_a: Client, invoice: Invoice, customer_a: Any, sandbox_account: GatewayAccount
) -> None:
    # given 30.00 of credit from a credit note
    sales.credit_note(customer_a, "30.00")
    balance = invoice.balance_due
    page = client_a.get("/portal/studio-a/pay/")
    assert "unused credit" in page.content.decode()
    # when Ann applies it to the invoice
    response = client_a.post("/portal/studio-a/pay/credit", {"invoice": [str(invoice.public_id)]})
    # then the invoice owes less and nothing was charged
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.balance_due < balance
    assert Charge.objects.count() == 0


def test_an_invoice_with_a_pending_bank_debit_shows_payment_pending_not_pay_now(
    client_a: Client, customer_a: Any, invoice: Invoice, pay: Any, bank_token: Any
) -> None:
    # given a bank debit waiting to settle on the invoice
    customer_a.allow_bank_debit = True
    customer_a.save()
    assert pay([invoice], token=bank_token(), method_kind="bank").state == Checkout.State.PENDING

    # when the customer opens the invoice
    html = client_a.get(f"/portal/studio-a/invoices/{invoice.public_id}").content.decode()

    # then it says the payment is pending and offers no second payment
    assert 'id="payment-pending"' in html
    assert 'id="pay-now"' not in html


def test_the_methods_page_shows_autopay_and_the_customer_turns_it_off(
    client_a: Client, customer_a: Any
) -> None:
    profile = sales.recurring_profile(customer_a, autopay=True)
    page = client_a.get("/portal/studio-a/pay/methods").content.decode()
    assert 'id="autopay"' in page and profile.name in page
    assert "no usable default card" in page
    response = client_a.post(f"/portal/studio-a/pay/autopay/{profile.public_id}/off", follow=True)
    assert "Autopay is off" in response.content.decode()
    profile.refresh_from_db()
    assert not profile.autopay
    assert 'id="autopay"' not in client_a.get("/portal/studio-a/pay/methods").content.decode()


def test_where_the_business_keeps_autopay_the_page_says_whom_to_ask(
    client_a: Client, customer_a: Any, org: Organisation
) -> None:
    from portico.payments.models import CheckoutSettings

    CheckoutSettings.objects.create(organisation=org, customers_may_turn_off_autopay=False)
    profile = sales.recurring_profile(customer_a, autopay=True)
    page = client_a.get("/portal/studio-a/pay/methods").content.decode()
    assert "Turn off autopay" not in page and "contact" in page
    response = client_a.post(f"/portal/studio-a/pay/autopay/{profile.public_id}/off", follow=True)
    assert "contact" in response.content.decode()
    profile.refresh_from_db()
    assert profile.autopay


def test_a_profile_without_autopay_is_not_found(client_a: Client, customer_a: Any) -> None:
    profile = sales.recurring_profile(customer_a)
    response = client_a.post(f"/portal/studio-a/pay/autopay/{profile.public_id}/off")
    assert response.status_code == 404
