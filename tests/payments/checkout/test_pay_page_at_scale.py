"""The pay page for a customer with hundreds of open invoices: one page of invoices at a time,
searchable, the choice kept across pages in the session, a form whose size does not grow with
the history, refusals shown next to their cause, and a fixed number of queries."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from portico.contacts.models import Contact
from portico.orgs.models import GatewayAccount
from portico.payments.gateways.sandbox.models import Charge
from portico.payments.models import Checkout, Payment
from portico.sales.models import Invoice
from tests.payments.checkout.conftest import Tokenise
from tests.payments.checkout.test_portal_pages import client_a, form_of  # noqa: F401
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db

PAY = "/portal/studio-a/pay/"
CHOOSE = "/portal/studio-a/pay/choose"


def open_invoices(contact: Contact, count: int, rate: str = "10.00") -> list[Invoice]:
    return [sales.invoice(contact, rate) for _ in range(count)]


def shown_ids(html: str) -> list[str]:
    found = re.search(r'name="shown" value="([^"]*)"', html)
    return [i for i in found.group(1).split(",") if i] if found else []


def ticked_ids(html: str) -> list[str]:
    return re.findall(r'name="invoice" value="([^"]+)"[^>]*checked', html)


def chosen_count(html: str) -> int:
    found = re.search(r"<strong data-chosen-count>(\d+)</strong>", html)
    assert found, html[:2000]
    return int(found.group(1))


def filled(page: Any, **fields: Any) -> dict[str, Any]:
    """What the browser posts: the hidden fields, the page's ticks, and `fields`."""
    return {**form_of(page), "invoice": ticked_ids(page.content.decode()), **fields}


def form_fields(html: str) -> list[tuple[str, str]]:
    form = html[html.index('id="pay-form"') : html.index("</form>", html.index('id="pay-form"'))]
    return re.findall(r'<input[^>]*name="([^"]+)"[^>]*?(?:value="([^"]*)")?', form)


def test_the_page_shows_25_invoices_a_page_and_the_form_does_not_grow(
    client_a: Client,  # noqa: F811
    customer_a: Contact,
    sandbox_account: GatewayAccount,
) -> None:
    # given 30 open invoices, then 130
    open_invoices(customer_a, 30)
    small = client_a.get(PAY).content.decode()
    open_invoices(customer_a, 100)
    big = client_a.get(PAY)
    html = big.content.decode()
    # then one page of 25 shows, with a way to the next
    assert big.status_code == 200
    assert len(shown_ids(html)) == 25
    assert 'id="pay-pages"' in html and "?page=2" in html
    assert "1–25 of 130" in html
    # and the form posts as many fields, none longer, whatever the history
    assert len(form_fields(html)) == len(form_fields(small))
    size = sum(len(name) + len(value) for name, value in form_fields(html))
    assert size == sum(len(name) + len(value) for name, value in form_fields(small))
    assert size < 2_000  # a page's ids and a digest, far below Django's request limits
    assert 'name="seen"' not in html
    # and every open invoice is chosen until the customer says otherwise
    assert chosen_count(html) == 130
    assert "$1,300.00" in html


def test_search_finds_an_invoice_by_number_or_reference(
    client_a: Client,  # noqa: F811
    customer_a: Contact,
    sandbox_account: GatewayAccount,
) -> None:
    invoices = open_invoices(customer_a, 40)
    wanted = invoices[33]
    Invoice.objects.filter(pk=invoices[5].pk).update(reference="PO-7781")
    by_number = client_a.get(PAY, {"q": wanted.number}).content.decode()
    assert shown_ids(by_number) == [str(wanted.public_id)]
    by_reference = client_a.get(PAY, {"q": "po-7781"}).content.decode()
    assert shown_ids(by_reference) == [str(invoices[5].public_id)]
    nothing = client_a.get(PAY, {"q": "no-such-invoice"}).content.decode()
    assert 'id="no-match"' in nothing and not shown_ids(nothing)
    # searching does not change what is chosen
    assert chosen_count(nothing) == 40


def test_the_choice_is_kept_across_pages_and_searches(
    client_a: Client,  # noqa: F811
    customer_a: Contact,
    sandbox_account: GatewayAccount,
) -> None:
    # given 60 open invoices and nothing chosen
    open_invoices(customer_a, 60)
    client_a.post(CHOOSE, {"action": "none"})
    first = client_a.get(PAY).content.decode()
    assert chosen_count(first) == 0
    # when the customer ticks one on page 1 (the page's script posts each tick)
    page_one = shown_ids(first)
    answer = client_a.post(
        CHOOSE,
        {"shown": [page_one[0]], "invoice": [page_one[0]]},
        headers={"Accept": "application/json"},
    ).json()
    assert answer["count"] == 1 and answer["total"] == "$10.00" and len(answer["digest"]) == 64
    # and two on page 3 (without the script: the page's ticks go with a plain post)
    third = client_a.get(PAY, {"page": 3}).content.decode()
    page_three = shown_ids(third)
    assert not set(page_three) & set(page_one)
    response = client_a.post(CHOOSE, {"shown": page_three, "invoice": page_three[:2], "page": "3"})
    assert response.status_code == 302 and response["Location"].endswith("?page=3")
    # then every page shows its own ticks, and three are chosen
    assert ticked_ids(client_a.get(PAY).content.decode()) == [page_one[0]]
    again = client_a.get(PAY, {"page": 3}).content.decode()
    assert ticked_ids(again) == page_three[:2]
    assert chosen_count(again) == 3
    # and unticking one on page 1 keeps the other two
    client_a.post(CHOOSE, {"shown": page_one, "invoice": []})
    assert chosen_count(client_a.get(PAY).content.decode()) == 2
    # "Choose all" chooses every open invoice again
    client_a.post(CHOOSE, {"action": "all"})
    assert chosen_count(client_a.get(PAY).content.decode()) == 60


def test_500_open_invoices_can_be_paid_one_then_all(
    client_a: Client,  # noqa: F811
    customer_a: Contact,
    tokenise: Tokenise,
    sandbox_account: GatewayAccount,
) -> None:
    # given 500 open invoices
    invoices = open_invoices(customer_a, 500)
    one = invoices[250]
    # when the customer pays one of them from its "Pay now" link
    page = client_a.get(PAY, {"invoice": str(one.public_id)})
    assert chosen_count(page.content.decode()) == 1
    data = filled(page, method="card", token=tokenise())
    response = client_a.post(PAY, data)
    # then only that one is paid
    assert response.status_code == 302, response.content.decode()[:3000]
    one.refresh_from_db()
    assert one.status == Invoice.Status.PAID
    assert Invoice.objects.filter(contact=customer_a, status=Invoice.Status.PAID).count() == 1
    # when the customer then pays all the others ("Pay all" on home)
    page = client_a.get(PAY, {"all": "1"})
    html = page.content.decode()
    assert chosen_count(html) == 499 and "$4,990.00" in html
    data = filled(page, method="card", token=tokenise("5555555555554444"))
    response = client_a.post(PAY, data)
    # then every invoice is paid, by one more charge of the whole amount
    assert response.status_code == 302, response.content.decode()[:3000]
    assert "went through" in client_a.get(response["Location"]).content.decode()
    assert not Invoice.objects.filter(contact=customer_a).exclude(status=Invoice.Status.PAID)
    assert Charge.objects.count() == 2
    assert Payment.objects.order_by("pk").last().amount == Decimal("4990.00")  # type: ignore[union-attr]
    assert client_a.get(PAY).status_code == 200


def test_an_amount_above_what_is_chosen_is_refused_next_to_the_amount(
    client_a: Client,  # noqa: F811
    customer_a: Contact,
    tokenise: Tokenise,
    sandbox_account: GatewayAccount,
) -> None:
    open_invoices(customer_a, 3)
    page = client_a.get(PAY)
    data = filled(page, method="card", token=tokenise(), amount="1000.00")
    response = client_a.post(PAY, data)
    html = response.content.decode()
    assert response.status_code == 400
    amount_errors = re.search(r'id="id_amount_errors">([^<]+)<', html)
    assert amount_errors and amount_errors.group(1) == "The amount is more than the $30.00 due."
    assert 'value="1000.00"' in html  # what was typed stays, to be corrected
    assert Checkout.objects.count() == 0 and Charge.objects.count() == 0


def test_paying_with_nothing_chosen_says_so_next_to_the_invoices(
    client_a: Client,  # noqa: F811
    customer_a: Contact,
    tokenise: Tokenise,
    sandbox_account: GatewayAccount,
) -> None:
    open_invoices(customer_a, 3)
    client_a.post(CHOOSE, {"action": "none"})
    page = client_a.get(PAY)
    response = client_a.post(PAY, {**form_of(page), "method": "card", "token": tokenise()})
    html = response.content.decode()
    assert response.status_code == 400
    invoices_card = html[html.index('id="invoices-title"') : html.index('id="method-title"')]
    assert 'id="pay-error"' in invoices_card and "Choose at least one invoice" in invoices_card


def test_no_way_to_pay_chosen_is_said_next_to_the_methods(
    client_a: Client,  # noqa: F811
    customer_a: Contact,
    sandbox_account: GatewayAccount,
) -> None:
    open_invoices(customer_a, 2)
    page = client_a.get(PAY)
    data = filled(page)
    response = client_a.post(PAY, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="method-errors"' in html and "Choose how to pay" in html


def test_a_form_from_before_a_change_asks_to_confirm_the_new_total(
    client_a: Client,  # noqa: F811
    customer_a: Contact,
    tokenise: Tokenise,
    sandbox_account: GatewayAccount,
) -> None:
    # given a page opened with 3 invoices chosen, one of which staff then marks part paid
    invoices = open_invoices(customer_a, 3)
    page = client_a.get(PAY)
    Invoice.objects.filter(pk=invoices[1].pk).update(balance_due=Decimal("4.00"))
    # when the customer pays from the old page
    response = client_a.post(PAY, filled(page, method="card", token=tokenise()))
    # then nothing is charged and the page says why, with the new total
    html = response.content.decode()
    assert response.status_code == 409
    assert "confirm again" in html and "$24.00" in html
    assert Charge.objects.count() == 0
    # and confirming the page as it is now pays
    again = filled(response, method="card", token=tokenise())
    assert client_a.post(PAY, again).status_code == 302
    assert Payment.objects.get().amount == Decimal("24.00")


def test_a_form_without_its_digest_is_refused_visibly(
    client_a: Client,  # noqa: F811
    customer_a: Contact,
    tokenise: Tokenise,
    sandbox_account: GatewayAccount,
) -> None:
    open_invoices(customer_a, 2)
    page = client_a.get(PAY)
    data = filled(page, method="card", token=tokenise(), digest="")
    response = client_a.post(PAY, data)
    assert response.status_code == 400
    assert "confirm again" in response.content.decode()
    assert Charge.objects.count() == 0


def test_invoices_that_must_be_paid_in_full_are_marked_before_an_amount_is_typed(
    client_a: Client,  # noqa: F811
    customer_a: Contact,
    sandbox_account: GatewayAccount,
) -> None:
    whole = sales.invoice(customer_a, "50.00", allow_partial_payment=False)
    sales.invoice(customer_a, "20.00")
    html = client_a.get(PAY).content.decode()
    row = html[html.index(f'id="pay-{whole.public_id}"') :]
    row = row[: row.index("</tr>")]
    assert "pay in full only" in row
    note = re.search(r'<p class="small mb-3" id="full-only-note"[^>]*>([^<]+)<', html)
    assert note and "can only be paid in full" in note.group(1)


def test_a_currency_no_gateway_takes_says_why_instead_of_pay_now(
    client_a: Client,  # noqa: F811
    invoice: Invoice,
    sandbox_account: GatewayAccount,
) -> None:
    # given the only gateway takes euros, the customer pays in dollars
    sandbox_account.currencies = "EUR"
    sandbox_account.save()
    detail = client_a.get(f"/portal/studio-a/invoices/{invoice.public_id}").content.decode()
    assert 'id="pay-now"' not in detail
    reason = re.search(r'id="not-online">([^<]+)<', detail)
    assert reason and "Payments in USD cannot be taken online" in reason.group(1)
    page = client_a.get(PAY).content.decode()
    assert "Payments in USD cannot be taken online" in page and 'id="pay-form"' not in page


def queries_of(client: Client, url: str) -> int:
    client.get(url)  # session bookkeeping happens on the first view
    with CaptureQueriesContext(connection) as log:
        response = client.get(url)
    assert response.status_code == 200
    return len(log)


def test_the_pay_page_costs_the_same_queries_for_10_and_300_open_invoices(
    client_a: Client,  # noqa: F811
    customer_a: Contact,
    sandbox_account: GatewayAccount,
    org: Any,
) -> None:
    # given 10 open invoices, one of them offering only the sandbox
    invoices = open_invoices(customer_a, 10)
    invoices[0].payment_gateways.set([sandbox_account])
    with_10 = queries_of(client_a, PAY)
    with_10_page_2 = queries_of(client_a, f"{PAY}?q=INV")
    # when there are 300
    open_invoices(customer_a, 290)
    with_300 = queries_of(client_a, PAY)
    with_300_page_2 = queries_of(client_a, f"{PAY}?q=INV&page=2")
    # then the page costs the same
    assert with_10 == with_300, (with_10, with_300)
    assert with_10_page_2 == with_300_page_2
    # and the other pages a customer sees an invoice on stay fixed too
    assert queries_of(client_a, "/portal/studio-a/invoices") == queries_of(
        client_a, "/portal/studio-a/invoices?page=3"
    )


def test_a_pay_now_link_for_an_invoice_paid_since_says_so(
    client_a: Client,  # noqa: F811
    customer_a: Contact,
    invoice: Invoice,
    pay: Any,
    tokenise: Tokenise,
) -> None:
    sales.invoice(customer_a, "20.00")
    pay([invoice], token=tokenise())
    html = client_a.get(PAY, {"invoice": str(invoice.public_id)}).content.decode()
    assert 'id="requested-gone"' in html and chosen_count(html) == 0
