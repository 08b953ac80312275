"""Revise and resend: a declined estimate (or one the customer asked to change) becomes a new
revision, the old one kept readable with its reason, and goes back to the customer."""

from __future__ import annotations

from decimal import Decimal

import pytest

from portico.contacts.models import Contact
from portico.core.errors import DomainError
from portico.sales import services
from portico.sales.models import Estimate, EstimateRevision
from tests.sales import factories as make

pytestmark = pytest.mark.django_db

Status = Estimate.Status


def sent_estimate(contact: Contact, rate: str = "500.00") -> Estimate:
    estimate = make.estimate(contact, rate)
    return services.estimate_send(estimate=estimate)


def test_a_declined_estimate_is_revised_keeping_the_old_revision(customer_a: Contact) -> None:
    # given an estimate the customer declined with a reason
    estimate = sent_estimate(customer_a)
    services.estimate_decline(estimate=estimate, reason="Too expensive")

    # when staff revise it
    revision = services.estimate_revise(estimate=estimate)

    # then the old revision is frozen with its reason and the estimate is a draft again
    estimate.refresh_from_db()
    assert estimate.status == Status.DRAFT and estimate.decline_reason == ""
    assert revision.revision == 1 and revision.status == Status.DECLINED
    assert revision.reason == "Too expensive"
    assert revision.total == Decimal("500.00") and revision.currency == estimate.currency
    assert revision.lines[0]["amount"] == "500.0000"
    assert services.estimate_revision_number(estimate) == 2


def test_the_new_revision_is_edited_and_sent_again_under_the_same_number(
    customer_a: Contact,
) -> None:
    estimate = sent_estimate(customer_a)
    services.estimate_decline(estimate=estimate, reason="Too expensive")
    services.estimate_revise(estimate=estimate)

    services.estimate_update(estimate=estimate, lines=[make.line("400.00")])
    resent = services.estimate_send(estimate=estimate)

    assert resent.status == Status.SENT and resent.number == estimate.number
    assert resent.total == Decimal("400.00")
    assert EstimateRevision.objects.get(estimate=estimate).total == Decimal("500.00")


def test_an_estimate_with_changes_asked_is_revised_with_the_reason_given(
    customer_a: Contact,
) -> None:
    estimate = sent_estimate(customer_a)

    revision = services.estimate_revise(estimate=estimate, reason="Asked for two phases")

    assert revision.status == Status.SENT and revision.reason == "Asked for two phases"


def test_revisions_are_numbered_in_order(customer_a: Contact) -> None:
    estimate = sent_estimate(customer_a)
    for _ in range(3):
        services.estimate_revise(estimate=estimate)
        services.estimate_send(estimate=estimate)

    numbers = list(
        EstimateRevision.objects.filter(estimate=estimate).values_list("revision", flat=True)
    )
    assert numbers == [3, 2, 1]


@pytest.mark.parametrize("status", ["draft", "accepted"])
def test_a_draft_or_accepted_estimate_cannot_be_revised(customer_a: Contact, status: str) -> None:
    estimate = make.estimate(customer_a)
    if status == "accepted":
        services.estimate_send(estimate=estimate)
        services.estimate_accept(estimate=estimate)

    with pytest.raises(DomainError) as refused:
        services.estimate_revise(estimate=estimate)

    assert refused.value.code == "estimate_not_revisable"
    assert not EstimateRevision.objects.exists()
