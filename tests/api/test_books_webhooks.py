"""Books API: webhook endpoints (the secret shown once) and the delivery log, with a real
receiver on loopback; the Portal API's gateways (what a customer may pay with)."""

from __future__ import annotations

from typing import Any

import pytest

from portico.accounts import api_keys
from portico.contacts.models import Contact, ContactPerson
from portico.orgs.models import GatewayAccount, Organisation
from portico.sales.models import Invoice
from portico.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.api.conftest import Api, portal_token
from tests.payments.checkout.conftest import Tokenise
from tests.portal.conftest import enable_with_password
from tests.sales import factories as sales
from tests.webhooks.test_delivery import Receiver, receiver, verify

__all__ = ["receiver"]
pytestmark = pytest.mark.django_db


def test_an_endpoint_is_registered_listed_and_removed(books: Api) -> None:
    # when
    made = books.post(
        "/books/webhook-endpoints",
        {"url": "https://hooks.example.com/portico", "events": ["invoice.sent"]},
        headers={"Idempotency-Key": "hook-1"},
    )
    # then the secret is in this answer only
    assert made.status_code == 201, made.content
    endpoint = made.json()
    assert endpoint["secret"].startswith("whsec_") and endpoint["is_active"]
    assert WebhookEndpoint.objects.get().secret == endpoint["secret"]
    listed = books.get("/books/webhook-endpoints").json()
    assert [e["id"] for e in listed["items"]] == [endpoint["id"]]
    assert "secret" not in listed["items"][0]
    detail = books.get(f"/books/webhook-endpoints/{endpoint['id']}").json()
    assert detail["events"] == ["invoice.sent"] and "secret" not in detail
    # and removing it answers 404 afterwards
    assert books.delete(f"/books/webhook-endpoints/{endpoint['id']}").status_code == 204
    assert books.get(f"/books/webhook-endpoints/{endpoint['id']}").status_code == 404


def test_an_unknown_event_and_a_plain_http_url_are_refused_naming_the_field(
    books: Api, settings: Any
) -> None:
    unknown = books.post(
        "/books/webhook-endpoints",
        {"url": "https://hooks.example.com/", "events": ["invoice.eaten"]},
        headers={"Idempotency-Key": "hook-2"},
    )
    assert unknown.status_code == 400 and "events" in unknown.json()["error"]["fields"]
    settings.WEBHOOKS_ALLOW_PRIVATE = False  # as in production
    plain = books.post(
        "/books/webhook-endpoints",
        {"url": "http://hooks.example.com/", "events": ["invoice.sent"]},
        headers={"Idempotency-Key": "hook-3"},
    )
    assert plain.status_code == 400 and "url" in plain.json()["error"]["fields"]
    assert not WebhookEndpoint.objects.exists()


def test_a_read_only_key_lists_endpoints_but_does_not_register_one(org: Organisation) -> None:
    _key, secret = api_keys.api_key_create(organisation=org, name="Viewer", read_only=True)
    viewer = Api(secret)
    assert viewer.get("/books/webhook-endpoints").status_code == 200
    refused = viewer.post(
        "/books/webhook-endpoints",
        {"url": "https://hooks.example.com/", "events": ["*"]},
        headers={"Idempotency-Key": "hook-4"},
    )
    assert refused.status_code == 403 and not WebhookEndpoint.objects.exists()


def test_the_delivery_log_shows_each_attempt_and_a_delivery_is_sent_again(
    books: Api,
    customer_a: Contact,
    customer_a_person: ContactPerson,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given an endpoint on a loopback receiver, registered through the API, and a recipient
    assert customer_a_person.email
    endpoint = books.post(
        "/books/webhook-endpoints",
        {"url": receiver.url, "events": ["invoice.sent"], "description": "Ledger"},
        headers={"Idempotency-Key": "hook-5"},
    ).json()
    invoice = sales.invoice(customer_a, "80.00", send=False)
    # when the invoice is sent through the API
    with django_capture_on_commit_callbacks(execute=True):
        sent = books.post(f"/books/invoices/{invoice.public_id}/send")
    assert sent.status_code == 200, sent.content
    # then the receiver got it signed with the endpoint's secret
    headers, body = receiver.received[0]
    assert verify(endpoint["secret"], headers["Portico-Signature"], body)
    listed = books.get("/books/webhook-deliveries", event_type="invoice.sent").json()
    assert listed["count"] == 1
    delivery = listed["items"][0]
    assert delivery["endpoint"] == endpoint["id"]
    assert (delivery["status"], delivery["attempts"], delivery["last_status_code"]) == (
        WebhookDelivery.Status.SUCCEEDED,
        1,
        200,
    )
    detail = books.get(f"/books/webhook-deliveries/{delivery['id']}").json()
    assert detail["payload"]["data"]["id"] == str(invoice.public_id)
    assert [a["status_code"] for a in detail["log"]] == [200]
    # and sent again by hand, it is logged once more
    receiver.status = 503
    with django_capture_on_commit_callbacks(execute=True):
        again = books.post(f"/books/webhook-deliveries/{delivery['id']}/redeliver")
    assert again.status_code == 200, again.content
    detail = books.get(f"/books/webhook-deliveries/{delivery['id']}").json()
    assert [a["status_code"] for a in detail["log"]] == [503, 200]
    assert detail["status"] == WebhookDelivery.Status.PENDING
    assert len(receiver.received) == 2
    failing = books.get("/books/webhook-deliveries", status="pending").json()
    assert [d["id"] for d in failing["items"]] == [delivery["id"]]


def test_the_portal_lists_the_gateways_and_pays_through_the_one_chosen(
    portal: Api,
    org: Organisation,
    customer_a: Contact,
    sandbox_account: GatewayAccount,
    tokenise: Tokenise,
) -> None:
    # given
    invoice = sales.invoice(customer_a, "60.00")
    # when
    listed = portal.get(f"/portal/{org.slug}/gateways", invoice=str(invoice.public_id)).json()
    # then the sandbox is offered with what its tokenisation needs
    assert listed["count"] == 1
    gateway = listed["items"][0]
    assert gateway["id"] == str(sandbox_account.public_id)
    assert gateway["publishable_key"] == sandbox_account.publishable_key
    assert gateway["methods"] == ["card"]
    assert gateway["hosted_fields"]["card"].startswith("http://testserver/")
    # and a checkout through it pays the invoice
    paid = portal.post(
        f"/portal/{org.slug}/checkouts",
        {
            "invoices": [{"id": str(invoice.public_id)}],
            "token": tokenise(),
            "gateway": gateway["id"],
        },
        headers={"Idempotency-Key": "pay-1"},
    )
    assert paid.status_code == 201 and paid.json()["state"] == "succeeded", paid.content
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID


def test_the_gateways_of_another_customers_invoice_are_404(
    portal: Api, org: Organisation, customer_b: Contact, sandbox_account: GatewayAccount
) -> None:
    theirs = sales.invoice(customer_b, "60.00")
    response = portal.get(f"/portal/{org.slug}/gateways", invoice=str(theirs.public_id))
    assert response.status_code == 404
    assert portal.get(f"/portal/{org.slug}/gateways").json()["count"] == 1


def test_a_projects_person_is_not_shown_the_gateways(
    org: Organisation, customer_a_person: ContactPerson, password: str
) -> None:
    enable_with_password(customer_a_person, password, role=ContactPerson.PortalRole.PROJECTS)
    projects = Api(portal_token(org, customer_a_person, password))
    assert projects.get(f"/portal/{org.slug}/gateways").status_code == 404
    assert projects.get(f"/portal/{org.slug}/saved-methods").status_code == 404


def test_saved_methods_are_a_paged_list(portal: Api, org: Organisation) -> None:
    body = portal.get(f"/portal/{org.slug}/saved-methods").json()
    assert body == {"items": [], "count": 0, "page": 1, "pages": 1}
