"""The Portal API's writes that the pages limit are limited by the same rules: a 429 in the API's
error envelope with `Retry-After`, per person (shared with their pages) and per IP."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from portico.activity.models import Comment
from portico.contacts.models import Contact, CustomerMessage
from portico.orgs.models import Organisation
from portico.payments.models import Checkout
from tests.api.conftest import Api, active_person, portal, portal_client, sandbox_account, tokenise
from tests.sales import factories as sales

__all__ = ["active_person", "portal", "portal_client", "sandbox_account", "tokenise"]

pytestmark = pytest.mark.django_db


def limit(settings: Any, rule: str, allowed: int) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, rule: (allowed, 3600)}


def assert_throttled(response: Any) -> None:
    assert response.status_code == 429, response.content
    assert response["Retry-After"] == "3600"
    assert response.json()["error"]["code"] == "throttled"


def comment(invoice: Any) -> dict[str, Any]:
    return {"target_type": "invoice", "target_id": str(invoice.public_id), "body": "Hello"}


def test_comments_through_the_api_stop_at_the_comment_allowance(
    portal: Api, org: Organisation, customer_a: Contact, settings: Any
) -> None:
    limit(settings, "comment", 2)
    invoice = sales.invoice(customer_a)
    url = f"/portal/{org.slug}/comments"
    answers = [
        portal.post(url, comment(invoice), headers={"Idempotency-Key": f"c{n}"}) for n in range(3)
    ]
    assert [a.status_code for a in answers[:2]] == [201, 201]
    assert_throttled(answers[2])
    assert Comment.objects.count() == 2


def test_a_replayed_comment_is_answered_without_spending_the_allowance(
    portal: Api, org: Organisation, customer_a: Contact, settings: Any
) -> None:
    limit(settings, "comment", 1)
    invoice = sales.invoice(customer_a)
    url = f"/portal/{org.slug}/comments"
    first = portal.post(url, comment(invoice), headers={"Idempotency-Key": "same"})
    replay = portal.post(url, comment(invoice), headers={"Idempotency-Key": "same"})
    assert first.status_code == replay.status_code == 201
    assert_throttled(portal.post(url, comment(invoice), headers={"Idempotency-Key": "other"}))


def test_the_person_shares_one_allowance_between_the_pages_and_the_api(
    portal: Api,
    portal_client: Client,
    org: Organisation,
    customer_a: Contact,
    settings: Any,
) -> None:
    limit(settings, "comment", 1)
    invoice = sales.invoice(customer_a)
    # given the comment the pages allowed
    page = portal_client.post(
        f"/portal/{org.slug}/invoices/{invoice.public_id}/comments", {"body": "From the page"}
    )
    assert page.status_code != 429
    # then the API refuses the next one from another address
    portal.client.defaults["REMOTE_ADDR"] = "198.51.100.20"
    answer = portal.post(
        f"/portal/{org.slug}/comments", comment(invoice), headers={"Idempotency-Key": "api"}
    )
    assert_throttled(answer)


def test_messages_to_the_business_stop_at_the_message_allowance_on_both_doors(
    portal: Api, portal_client: Client, org: Organisation, settings: Any
) -> None:
    limit(settings, "message", 1)
    body = {"subject": "Hello", "body": "A question."}
    sent = portal.post(f"/portal/{org.slug}/messages", body, headers={"Idempotency-Key": "m1"})
    assert sent.status_code == 201, sent.content
    assert_throttled(
        portal.post(f"/portal/{org.slug}/messages", body, headers={"Idempotency-Key": "m2"})
    )
    page = portal_client.post(f"/portal/{org.slug}/account/contact", body)
    assert page.status_code == 429
    assert page["Retry-After"] == "3600"
    assert org.primary_email in page.content.decode()  # the page says it kindly, with the address
    assert CustomerMessage.objects.count() == 1


def test_checkout_attempts_stop_at_the_checkout_allowance(
    portal: Api,
    org: Organisation,
    customer_a: Contact,
    sandbox_account: Any,
    tokenise: Any,
    settings: Any,
) -> None:
    limit(settings, "checkout", 1)
    invoices = [sales.invoice(customer_a, "10.00"), sales.invoice(customer_a, "20.00")]
    url = f"/portal/{org.slug}/checkouts"

    def pay(invoice: Any, key: str) -> Any:
        body = {"invoices": [{"id": str(invoice.public_id)}], "token": tokenise()}
        return portal.post(url, body, headers={"Idempotency-Key": key})

    assert pay(invoices[0], "k1").status_code == 201
    assert_throttled(pay(invoices[1], "k2"))
    assert Checkout.objects.count() == 1


def test_invoice_pdfs_through_the_api_stop_at_the_pdf_allowance(
    portal: Api, org: Organisation, customer_a: Contact, settings: Any
) -> None:
    limit(settings, "pdf", 1)
    invoice = sales.invoice(customer_a)
    url = f"/portal/{org.slug}/invoices/{invoice.public_id}/pdf"
    assert portal.get(url).status_code == 200
    assert_throttled(portal.get(url))
