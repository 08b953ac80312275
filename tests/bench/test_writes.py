"""The benchmark's writes (`bench.writes`): the portal writes it times act on objects of their
own and really happen, the checkouts go through the pay page and are recorded once, and a
subset run writes only what it names."""

from __future__ import annotations

import random

import pytest
from django.conf import settings

from bench import writes
from portico.activity.models import Comment
from portico.contacts.models import ContactPerson
from portico.devdata import scale
from portico.orgs.models import GatewayAccount
from portico.payments.gateways.sandbox.cards import CARD_SCENARIOS, card_brand, luhn_valid
from portico.payments.models import Checkout, Payment
from portico.projects.models import TimesheetApproval
from portico.sales.models import Estimate

PASSWORD = "bench-writes-password"
HISTORY = scale.ScaleSpec(
    customers=14,
    invoices_per_customer=6,
    payments_per_customer=1,
    estimates_per_customer=1,
    big_invoices=12,
    big_payments=3,
    big_estimates=3,
    big_projects=1,
    big_time_entries=6,
    small_time_entries=2,
    password=PASSWORD,
)


def is_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def test_a_subset_run_writes_only_what_it_names() -> None:
    assert writes.write_wanted([], writes.WRITES[0])  # a full run: everything
    assert not writes.write_wanted(["invoice"], writes.WRITES[1])  # a page's word
    assert not writes.wanted(["invoices", "estimate"], *writes.SECTION_WORDS["checkouts"])
    assert writes.write_wanted(["comment"], writes.WRITES[1])
    assert not writes.write_wanted(["comment"], writes.WRITES[0])
    assert all(writes.write_wanted(["writes"], label) for label in writes.WRITES)
    assert writes.wanted(["checkouts"], *writes.SECTION_WORDS["checkouts"])
    assert writes.wanted(["bulk"], *writes.SECTION_WORDS["bulk"])


def test_every_payer_gets_a_new_valid_card_the_sandbox_accepts() -> None:
    rng = random.Random(4)
    numbers = {writes.card_number(rng) for _ in range(200)}
    assert len(numbers) == 200
    for number in numbers:
        assert luhn_valid(number) and card_brand(number) == "visa"
        assert number not in CARD_SCENARIOS


def test_the_pay_form_is_read_as_the_browser_posts_it() -> None:
    page = b"""
    <form method="get" id="pay-search"><input type="hidden" name="q" value="x"></form>
    <form method="post" id="pay-form">
      <input type="hidden" name="csrfmiddlewaretoken" value="t0k">
      <input type="hidden" name="key" value="k1"><input type="hidden" name="digest" value="d">
      <input type="hidden" name="shown" value="a,b">
      <input class="form-check-input" type="checkbox" name="invoice" value="a" checked>
      <input class="form-check-input" type="checkbox" name="invoice" value="b">
      <input type="text" name="amount" value="">
    </form>"""
    fields = writes.pay_form_fields(page)
    assert fields == {
        "csrfmiddlewaretoken": ["t0k"],
        "key": ["k1"],
        "digest": ["d"],
        "shown": ["a,b"],
        "invoice": ["a"],
    }


@pytest.mark.django_db
@pytest.mark.urls("bench.urls")
def test_each_timed_write_acts_on_an_object_of_its_own_and_happens() -> None:
    # given the benchmark's data, small
    seeded = scale.seed_scale(slug="bench-writes", spec=HISTORY)
    org = seeded.big_contact.organisation
    # when the writes are timed twice each, as the big customer's person
    rows = writes.write_timings(
        org=org, contact=seeded.big_contact, password=PASSWORD, n=2, only=[]
    )
    # then each answered as the page expects, and each object changed
    assert [row["label"] for row in rows] == list(writes.WRITES)
    for row in rows:
        assert row["ok"], row
        assert row["n"] == 2 and row["done"] == 2 and row["queries"] > 0
    assert Estimate.objects.filter(
        contact=seeded.big_contact, status=Estimate.Status.ACCEPTED, signed_name="Bench Buyer"
    ).exists()
    assert Comment.objects.filter(contact=seeded.big_contact).count() == 2
    assert (
        TimesheetApproval.objects.filter(
            project__contact=seeded.big_contact, status=TimesheetApproval.Status.APPROVED
        )
        .exclude(decided_by=None)
        .count()
        >= 2
    )
    # and a second run finds fresh objects again
    again = writes.write_timings(
        org=org, contact=seeded.big_contact, password=PASSWORD, n=2, only=["comment"]
    )
    assert [row["label"] for row in again] == [writes.WRITES[1]] and again[0]["ok"]
    assert Comment.objects.filter(contact=seeded.big_contact).count() == 4


@pytest.mark.django_db
def test_bulk_enable_invites_new_persons_only_of_other_customers() -> None:
    seeded = scale.seed_scale(slug="bench-bulk", spec=HISTORY)
    org = seeded.big_contact.organisation
    references = [seeded.big_contact.pk, seeded.small_contact.pk]
    result = writes.bulk_enable(org=org, count=8, exclude=references)
    assert result["enabled"] == 8 and result["skipped"] == 0
    invited = ContactPerson.objects.filter(
        organisation=org, portal_status=ContactPerson.PortalStatus.INVITED
    )
    assert invited.count() == 8
    assert not invited.filter(contact_id__in=references).exists()


@pytest.mark.postgres
@pytest.mark.skipif(not is_postgres(), reason="concurrent writers need PostgreSQL here")
@pytest.mark.django_db(transaction=True)
@pytest.mark.urls("bench.urls")
def test_concurrent_checkouts_are_each_recorded_once_and_leave_the_gateway_off() -> None:
    # given the benchmark's data, small
    seeded = scale.seed_scale(slug="bench-pay", spec=HISTORY)
    org = seeded.big_contact.organisation
    references = [seeded.big_contact.pk, seeded.small_contact.pk]
    # when three customers pay at once, twice
    first = writes.checkouts(org=org, payers=3, exclude=references)
    second = writes.checkouts(org=org, payers=3, exclude=references)
    # then every checkout succeeded and is recorded exactly once
    for result in (first, second):
        assert result["succeeded"] == 3 and result["failed"] == 0, result
        assert result["verified"]["ok"], result["verified"]
        assert result["latency"]["n"] == 3 and result["per_second"] > 0
    assert Checkout.objects.filter(state=Checkout.State.SUCCEEDED).count() == 6
    assert Payment.objects.filter(organisation=org, source=Payment.Source.ONLINE).count() == 6
    # and nobody else paid, and the pages are measured without a gateway afterwards
    assert not Checkout.objects.filter(contact_id__in=references).exists()
    assert not GatewayAccount.objects.filter(organisation=org, is_active=True).exists()
