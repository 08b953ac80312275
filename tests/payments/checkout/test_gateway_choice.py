"""Which gateways an invoice offers: the ticked ones, or every active one; several invoices
are paid through a gateway every one of them offers."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from portico.contacts.scope import PortalScope
from portico.core.errors import DomainError
from portico.orgs.models import GatewayAccount, Organisation
from portico.payments.gateway_choice import gateways_offered
from portico.payments.gateways.sandbox.models import Charge
from portico.payments.models import Checkout, SavedMethod
from portico.payments.saved_methods import saved_method_add
from portico.sales.models import Invoice
from tests.gateways.factories import GatewayAccountFactory
from tests.payments.checkout.conftest import Tokenise
from tests.payments.checkout.test_portal_pages import client_a, form_of  # noqa: F401
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_account(org: Organisation) -> GatewayAccount:
    return GatewayAccountFactory(organisation=org, display_name="Second sandbox")


def test_an_invoice_with_nothing_ticked_offers_every_active_gateway(
    org: Organisation, invoice: Invoice, sandbox_account: GatewayAccount, second_account: Any
) -> None:
    GatewayAccountFactory(organisation=org, is_active=False)
    assert gateways_offered(organisation=org, invoices=[invoice]) == [
        sandbox_account,
        second_account,
    ]


def test_several_invoices_offer_what_they_have_in_common(
    org: Organisation,
    customer_a: Any,
    sandbox_account: GatewayAccount,
    second_account: GatewayAccount,
) -> None:
    only_second = sales.invoice(customer_a, "10.00")
    only_second.payment_gateways.set([second_account])
    anything = sales.invoice(customer_a, "20.00")
    only_first = sales.invoice(customer_a, "30.00")
    only_first.payment_gateways.set([sandbox_account])
    assert gateways_offered(organisation=org, invoices=[only_second, anything]) == [second_account]
    assert gateways_offered(organisation=org, invoices=[only_second, only_first]) == []


def test_a_payment_goes_through_the_gateway_chosen_when_it_is_offered(
    pay: Any, invoice: Invoice, second_account: GatewayAccount, sandbox_account: GatewayAccount
) -> None:
    token = _token(second_account)
    done = pay([invoice], token=token, account=second_account)
    assert done.gateway_account == second_account and done.state == Checkout.State.SUCCEEDED


def test_a_gateway_the_invoice_does_not_offer_is_refused_uncharged(
    pay: Any, invoice: Invoice, second_account: GatewayAccount, sandbox_account: GatewayAccount
) -> None:
    invoice.payment_gateways.set([sandbox_account])
    with pytest.raises(DomainError) as error:
        pay([invoice], token=_token(second_account), account=second_account)
    assert error.value.code == "gateway_not_offered"
    assert Checkout.objects.count() == 0 and Charge.objects.count() == 0


def test_a_saved_card_of_a_gateway_not_offered_is_refused(
    pay: Any,
    scope: PortalScope,
    invoice: Invoice,
    second_account: GatewayAccount,
    sandbox_account: GatewayAccount,
) -> None:
    method = saved_method_add(scope=scope, account=second_account, token=_token(second_account))
    invoice.payment_gateways.set([sandbox_account])
    with pytest.raises(DomainError) as error:
        pay([invoice], saved_method=method)
    assert error.value.code == "gateway_not_offered" and Charge.objects.count() == 0


def test_invoices_with_no_gateway_in_common_are_refused_together(
    pay: Any,
    customer_a: Any,
    sandbox_account: GatewayAccount,
    second_account: GatewayAccount,
    tokenise: Tokenise,
) -> None:
    first, second = sales.invoice(customer_a, "10.00"), sales.invoice(customer_a, "20.00")
    first.payment_gateways.set([sandbox_account])
    second.payment_gateways.set([second_account])
    with pytest.raises(DomainError) as error:
        pay([first, second], token=tokenise())
    assert error.value.code == "no_common_gateway" and Charge.objects.count() == 0


# --- the pay page --------------------------------------------------------------------------------


def test_the_pay_page_offers_a_choice_of_gateways_and_embeds_the_chosen_ones_fields(
    client_a: Client,  # noqa: F811
    invoice: Invoice,
    sandbox_account: GatewayAccount,
    second_account: GatewayAccount,
) -> None:
    url = f"/portal/studio-a/pay/?invoice={invoice.public_id}"
    first = client_a.get(url).content.decode()
    assert 'id="gateway-choice"' in first and "Second sandbox" in first
    assert sandbox_account.publishable_key in first
    chosen = client_a.get(f"{url}&gateway={second_account.public_id}").content.decode()
    assert second_account.publishable_key in chosen
    assert f'name="gateway" value="{second_account.public_id}"' in chosen


def test_paying_through_the_second_gateway_from_the_page(
    client_a: Client,  # noqa: F811
    invoice: Invoice,
    sandbox_account: GatewayAccount,
    second_account: GatewayAccount,
) -> None:
    page = client_a.get(f"/portal/studio-a/pay/?gateway={second_account.public_id}")
    data = {
        **form_of(page),
        "invoice": [str(invoice.public_id)],
        "method": "card",
        "token": _token(second_account),
        "gateway": str(second_account.public_id),
    }
    assert client_a.post("/portal/studio-a/pay/", data).status_code == 302
    assert Checkout.objects.get().gateway_account == second_account


def test_one_gateway_shows_no_choice(
    client_a: Client,  # noqa: F811
    invoice: Invoice,
    sandbox_account: GatewayAccount,
) -> None:
    html = client_a.get("/portal/studio-a/pay/").content.decode()
    assert 'id="gateway-choice"' not in html and 'id="pay-form"' in html


def test_invoices_with_nothing_in_common_are_offered_one_at_a_time(
    client_a: Client,  # noqa: F811
    customer_a: Any,
    sandbox_account: GatewayAccount,
    second_account: GatewayAccount,
) -> None:
    first, second = sales.invoice(customer_a, "10.00"), sales.invoice(customer_a, "20.00")
    first.payment_gateways.set([sandbox_account])
    second.payment_gateways.set([second_account])
    response = client_a.get(
        f"/portal/studio-a/pay/?invoice={first.public_id}&invoice={second.public_id}"
    )
    html = response.content.decode()
    # the list stays (to choose fewer) but Pay cannot be pressed for the two together
    assert 'id="no-common-gateway"' in html
    assert re.search(r'id="pay-button" disabled', html)
    links = re.findall(r'href="(/portal/studio-a/pay/\?invoice=[^"]+)"', html)
    assert len(links) == 2
    single = client_a.get(links[0].replace("&amp;", "&")).content.decode()
    assert 'id="no-common-gateway"' not in single
    assert not re.search(r'id="pay-button" disabled', single)


def test_an_invoice_offering_only_an_inactive_gateway_cannot_be_paid_online(
    client_a: Client,  # noqa: F811
    invoice: Invoice,
    sandbox_account: GatewayAccount,
    org: Organisation,
) -> None:
    retired = GatewayAccountFactory(organisation=org, is_active=False)
    invoice.payment_gateways.set([retired])
    html = client_a.get(f"/portal/studio-a/pay/?invoice={invoice.public_id}").content.decode()
    # the invoice says why, and cannot be ticked
    assert "Cannot be paid online" in html and "data-not-online" in html
    assert f'name="invoice" value="{invoice.public_id}"' not in html


def _token(account: GatewayAccount) -> str:
    from tests.gateways.conftest import CARD_DEFAULTS

    response = Client().post(
        "/sandbox-gateway/v1/tokens",
        {**CARD_DEFAULTS, "number": "4242424242424242", "account": account.publishable_key},
    )
    assert response.status_code == 201
    return str(response.json()["token"])


def test_saved_methods_of_another_gateway_are_not_offered_on_the_page(
    client_a: Client,  # noqa: F811
    scope: PortalScope,
    invoice: Invoice,
    sandbox_account: GatewayAccount,
    second_account: GatewayAccount,
) -> None:
    method = saved_method_add(scope=scope, account=second_account, token=_token(second_account))
    invoice.payment_gateways.set([sandbox_account])
    html = client_a.get(f"/portal/studio-a/pay/?invoice={invoice.public_id}").content.decode()
    assert f"saved:{method.public_id}" not in html
    assert SavedMethod.objects.count() == 1


def test_the_invoice_page_offers_pay_now_only_when_a_gateway_takes_it(
    client_a: Client,  # noqa: F811
    invoice: Invoice,
    sandbox_account: GatewayAccount,
    org: Organisation,
) -> None:
    url = f"/portal/studio-a/invoices/{invoice.public_id}"
    offered = client_a.get(url).content.decode()
    assert 'id="pay-now"' in offered and 'id="not-online"' not in offered
    invoice.payment_gateways.set([GatewayAccountFactory(organisation=org, is_active=False)])
    refused = client_a.get(url).content.decode()
    assert 'id="pay-now"' not in refused and 'id="not-online"' in refused
