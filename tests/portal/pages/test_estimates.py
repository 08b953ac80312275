"""Estimates: the list, one estimate, and accepting, declining or asking for changes."""

from __future__ import annotations

import pytest
from django.test import Client

from portico.activity.models import ActivityLog, Comment, EstimateAcceptance, Notification
from portico.contacts.models import Contact
from portico.orgs.models import Organisation
from portico.sales import services as sales_services
from portico.sales.models import Estimate
from tests.portal.pages.conftest import url
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db
Status = Estimate.Status


def sent(contact: Contact, rate: str = "300.00") -> Estimate:
    return sales_services.estimate_send(estimate=sales.estimate(contact, rate))


def test_the_list_filters_awaiting_estimates_and_hides_drafts(
    portal_client: Client, org: Organisation, customer_a: Contact
) -> None:
    waiting = sent(customer_a)
    declined = sales_services.estimate_decline(estimate=sent(customer_a), reason="no")
    draft = sales.estimate(customer_a)

    everything = portal_client.get(url(org, "estimates")).content.decode()
    awaiting = portal_client.get(url(org, "estimates?status=awaiting")).content.decode()

    assert waiting.number in everything and declined.number in everything
    assert draft.number not in everything
    assert waiting.number in awaiting and declined.number not in awaiting


def test_accepting_with_a_typed_name_signs_the_estimate(
    portal_client: Client, org: Organisation, customer_a: Contact
) -> None:
    # given an estimate awaiting an answer
    estimate = sent(customer_a)

    # when the person types their name and accepts
    response = portal_client.post(
        url(org, f"estimates/{estimate.public_id}/accept"),
        {"signed_name": "Ann Example", "status": "invoiced"},
        REMOTE_ADDR="198.51.100.4",
    )

    # then it is accepted (the posted status is ignored), signed with time, IP and total
    assert response.status_code == 302
    estimate.refresh_from_db()
    assert estimate.status == Status.ACCEPTED
    signature = EstimateAcceptance.objects.get(estimate=estimate)
    assert (signature.signed_name, signature.ip_address) == ("Ann Example", "198.51.100.4")
    assert signature.total == estimate.total
    page = portal_client.get(response["Location"]).content.decode()
    assert "Ann Example" in page and "You accepted the estimate" in page
    assert Notification.objects.filter(kind="estimate_accepted").count() == 1
    assert ActivityLog.objects.filter(action="estimate_accepted").count() == 1


def test_accepting_without_a_name_shows_the_form_again(
    portal_client: Client, org: Organisation, customer_a: Contact
) -> None:
    estimate = sent(customer_a)
    response = portal_client.post(
        url(org, f"estimates/{estimate.public_id}/accept"), {"signed_name": "  "}
    )
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    estimate.refresh_from_db()
    assert estimate.status == Status.SENT


def test_accepting_a_declined_estimate_is_refused_with_a_message(
    portal_client: Client, org: Organisation, customer_a: Contact
) -> None:
    estimate = sales_services.estimate_decline(estimate=sent(customer_a), reason="no")
    response = portal_client.post(
        url(org, f"estimates/{estimate.public_id}/accept"), {"signed_name": "Ann"}, follow=True
    )
    assert "was declined" in response.content.decode()
    estimate.refresh_from_db()
    assert estimate.status == Status.DECLINED


def test_declining_needs_a_reason(
    portal_client: Client, org: Organisation, customer_a: Contact
) -> None:
    estimate = sent(customer_a)
    no_reason = portal_client.post(url(org, f"estimates/{estimate.public_id}/decline"), {})
    with_reason = portal_client.post(
        url(org, f"estimates/{estimate.public_id}/decline"), {"reason": "Too expensive"}
    )
    estimate.refresh_from_db()
    assert no_reason.status_code == 400 and with_reason.status_code == 302
    assert (estimate.status, estimate.decline_reason) == (Status.DECLINED, "Too expensive")


def test_requesting_changes_keeps_it_open_and_shows_the_request_in_the_thread(
    portal_client: Client, org: Organisation, customer_a: Contact
) -> None:
    estimate = sent(customer_a)
    response = portal_client.post(
        url(org, f"estimates/{estimate.public_id}/request-changes"),
        {"message": "Could you split phase 2?"},
        follow=True,
    )
    body = response.content.decode()
    estimate.refresh_from_db()
    assert estimate.status in (Status.SENT, Status.VIEWED)
    assert "Could you split phase 2?" in body and "Change request" in body
    assert Comment.objects.get().kind == Comment.Kind.CHANGE_REQUEST
    assert Notification.objects.filter(kind="estimate_changes").count() == 1


def test_another_customers_estimate_cannot_be_seen_or_accepted(
    portal_client: Client, org: Organisation, customer_b: Contact
) -> None:
    theirs = sent(customer_b)
    for path, method in (("", "get"), ("/accept", "post"), ("/decline", "post")):
        response = getattr(portal_client, method)(
            url(org, f"estimates/{theirs.public_id}{path}"), {"signed_name": "x", "reason": "x"}
        )
        assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Status.SENT


def test_the_detail_marks_the_estimate_viewed(
    portal_client: Client, org: Organisation, customer_a: Contact
) -> None:
    estimate = sent(customer_a)
    response = portal_client.get(url(org, f"estimates/{estimate.public_id}"))
    estimate.refresh_from_db()
    assert response.status_code == 200
    assert estimate.status == Status.VIEWED and estimate.first_viewed_at is not None
    assert "Accept and sign" in response.content.decode()


def test_a_revised_estimate_lists_its_earlier_revision_to_its_customer_only(
    portal_client: Client, org: Organisation, customer_a: Contact, customer_b: Contact
) -> None:
    # given an estimate declined, revised and sent again, and another customer's revised one
    estimate = sales_services.estimate_send(estimate=sales.estimate(customer_a, "500.00"))
    sales_services.estimate_decline(estimate=estimate, reason="Too expensive")
    sales_services.estimate_revise(estimate=estimate)
    sales_services.estimate_send(estimate=estimate)
    theirs = sales_services.estimate_send(estimate=sales.estimate(customer_b, "700.00"))
    sales_services.estimate_decline(estimate=theirs, reason="Not theirs to see")
    sales_services.estimate_revise(estimate=theirs)

    # when the person opens the estimate
    body = portal_client.get(url(org, f"estimates/{estimate.public_id}")).content.decode()

    # then the earlier revision is listed with its reason, and nothing of the other customer's
    assert 'id="revisions"' in body and "Revision 1" in body
    assert "Too expensive" in body and "Not theirs to see" not in body
