"""The Portal API's statement, account, comments, messages and reviews."""

from __future__ import annotations

import pytest

from portico.activity.models import Comment
from portico.contacts.models import Contact, ContactPerson, CustomerMessage, Review
from portico.orgs.models import Organisation
from tests.api.conftest import Api
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db


def test_the_statement_covers_the_period(
    portal: Api, org: Organisation, customer_a: Contact
) -> None:
    sales.invoice(customer_a, "100.00")
    body = portal.get(
        f"/portal/{org.slug}/statement", **{"from": "2026-01-01", "to": "2026-01-31"}
    ).json()
    assert body["invoiced"] == "100.00"
    assert body["closing_balance"] == "100.00"
    assert body["count"] == len(body["items"]) == 1


def test_the_statement_refuses_a_period_ending_before_it_starts(
    portal: Api, org: Organisation
) -> None:
    response = portal.get(
        f"/portal/{org.slug}/statement", **{"from": "2026-02-01", "to": "2026-01-01"}
    )
    assert response.status_code == 422
    assert "from" in response.json()["error"]["fields"]


def test_the_account_shows_and_changes_the_persons_details(
    portal: Api, org: Organisation, active_person: ContactPerson
) -> None:
    assert (
        portal.get(f"/portal/{org.slug}/account").json()["person"]["email"] == active_person.email
    )
    response = portal.patch(
        f"/portal/{org.slug}/account", {"person": {"phone": "+44 20 7946 0000"}}
    )
    assert response.status_code == 200, response.content
    active_person.refresh_from_db()
    assert active_person.phone == "+44 20 7946 0000"


def test_a_comment_on_an_own_invoice_is_kept_and_another_customers_is_404(
    portal: Api, org: Organisation, customer_a: Contact, customer_b: Contact
) -> None:
    own, foreign = sales.invoice(customer_a), sales.invoice(customer_b)
    url = f"/portal/{org.slug}/comments"
    body = {"target_type": "invoice", "body": "Can we split this?"}
    assert (
        portal.post(
            url, {**body, "target_id": str(foreign.public_id)}, headers={"Idempotency-Key": "c0"}
        ).status_code
        == 404
    )
    response = portal.post(
        url, {**body, "target_id": str(own.public_id)}, headers={"Idempotency-Key": "c1"}
    )
    assert response.status_code == 201, response.content
    assert Comment.objects.get().invoice == own


def test_a_message_and_a_review_reach_the_business(portal: Api, org: Organisation) -> None:
    org.portal_preferences.allow_reviews = True
    org.portal_preferences.save()
    body = {"subject": "Hello", "body": "A question."}
    message = portal.post(f"/portal/{org.slug}/messages", body, headers={"Idempotency-Key": "m"})
    replay = portal.post(f"/portal/{org.slug}/messages", body, headers={"Idempotency-Key": "m"})
    assert replay.json() == message.json()
    assert message.status_code == 201, message.content
    review = portal.post(
        f"/portal/{org.slug}/reviews",
        {"rating": 5, "text": "Great."},
        headers={"Idempotency-Key": "r"},
    )
    assert review.status_code == 201, review.content
    assert CustomerMessage.objects.count() == 1 and Review.objects.get().rating == 5


def test_a_rating_of_six_is_422(portal: Api, org: Organisation) -> None:
    response = portal.post(
        f"/portal/{org.slug}/reviews", {"rating": 6}, headers={"Idempotency-Key": "r6"}
    )
    assert response.status_code == 422
    assert "rating" in response.json()["error"]["fields"]
