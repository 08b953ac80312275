"""The back office's home page: figures per currency from SQL, links to the lists they count,
what waits for the business and recent portal activity, in a fixed number of queries."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portico.activity.models import Comment, Notification
from portico.backoffice import dashboard
from portico.contacts.models import Contact, DetailsChangeItem
from portico.orgs.models import Organisation
from portico.payments import services as payments
from portico.payments.models import Checkout
from portico.projects.models import TimesheetApproval
from portico.sales import selectors as sales_selectors
from portico.sales import services as sales_services
from portico.sales.models import Invoice
from tests.contacts.factories import ContactFactory
from tests.gateways.factories import GatewayAccountFactory
from tests.projects.factories import ProjectFactory, TimesheetApprovalFactory
from tests.sales import factories as make

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)


def owed(contact: Contact, rate: str, due_days_ago: int | None) -> Invoice:
    """A sent invoice for `rate`, due `due_days_ago` days before TODAY (None: issued TODAY
    with the default payment terms, so not yet due)."""
    if due_days_ago is None:
        return make.invoice(contact, rate, issue_date=TODAY)
    due = TODAY - datetime.timedelta(days=due_days_ago)
    return make.invoice(
        contact, rate, issue_date=TODAY - datetime.timedelta(days=120), due_date=due
    )


def paid(contact: Contact, amount: str, day: datetime.date) -> None:
    payments.payment_record(contact=contact, amount=Decimal(amount), date=day, mode="cash")


def test_receivables_are_summed_per_currency_into_aging_buckets(org: Organisation) -> None:
    # given invoices in USD at each age and one in EUR
    usd = ContactFactory(organisation=org, currency="USD")
    eur = ContactFactory(organisation=org, currency="EUR")
    owed(usd, "10.00", None)  # current, due on the default terms
    owed(usd, "20.00", -5)  # due in 5 days
    owed(usd, "30.00", 1)  # 1-30
    owed(usd, "40.00", 30)  # 1-30
    owed(usd, "50.00", 31)  # 31-60
    owed(usd, "60.00", 75)  # 61-90
    owed(usd, "70.00", 91)  # 90+
    owed(eur, "500.00", 10)
    make.invoice(usd, "999.00", send=False)  # a draft is owed by nobody

    # when
    rows = {
        r.currency: r
        for r in sales_selectors.receivables_by_currency(organisation=org, today=TODAY)
    }

    # then
    usd_row = rows["USD"]
    assert usd_row.amounts["outstanding"] == Decimal("280.00")
    assert usd_row.counts["outstanding"] == 7
    assert usd_row.amounts["overdue"] == Decimal("250.00")
    assert usd_row.amounts["due_soon"] == Decimal("30.00")  # both not-yet-due ones
    assert usd_row.amounts["current"] == Decimal("30.00")
    assert usd_row.amounts["1-30"] == Decimal("70.00")
    assert usd_row.counts["1-30"] == 2
    assert usd_row.amounts["31-60"] == Decimal("50.00")
    assert usd_row.amounts["61-90"] == Decimal("60.00")
    assert usd_row.amounts["90+"] == Decimal("70.00")
    assert rows["EUR"].amounts["outstanding"] == Decimal("500.00")
    assert rows["EUR"].amounts["1-30"] == Decimal("500.00")


def test_a_payment_takes_the_invoice_out_of_the_receivables(org: Organisation) -> None:
    usd = ContactFactory(organisation=org, currency="USD")
    invoice = owed(usd, "100.00", 10)
    payments.payment_record(
        contact=usd,
        amount=Decimal("60.00"),
        date=TODAY,
        mode="cash",
        allocations=[(invoice, Decimal("60.00"))],
    )
    (row,) = sales_selectors.receivables_by_currency(organisation=org, today=TODAY)
    assert row.amounts["outstanding"] == Decimal("40.00")
    assert row.amounts["1-30"] == Decimal("40.00")


def test_the_base_currency_comes_first_and_currencies_are_never_added(org: Organisation) -> None:
    # given a EUR organisation with customers in USD and EUR
    org.base_currency = "EUR"
    org.save()
    usd = ContactFactory(organisation=org, currency="USD")
    eur = ContactFactory(organisation=org, currency="EUR")
    owed(usd, "100.00", 5)
    owed(eur, "7.00", 5)
    owed(ContactFactory(organisation=org, currency="CHF"), "3.00", 5)

    # when
    board = dashboard.dashboard_for(org, today=TODAY)

    # then
    assert [block.currency for block in board.currencies] == ["EUR", "CHF", "USD"]
    eur_block, _, usd_block = board.currencies
    assert eur_block.receivables[0].amount == "€7.00"
    assert usd_block.receivables[0].amount == "$100.00"
    assert "receivables=outstanding" in usd_block.receivables[0].url
    assert "currency=USD" in usd_block.receivables[0].url


def test_paid_this_month_is_compared_with_last_month(
    org: Organisation, owner_client: Client
) -> None:
    usd = ContactFactory(organisation=org, currency="USD")
    paid(usd, "100.00", datetime.date(2026, 6, 1))
    paid(usd, "20.00", datetime.date(2026, 6, 15))
    paid(usd, "300.00", datetime.date(2026, 5, 31))
    paid(usd, "999.00", datetime.date(2026, 4, 30))  # two months ago: not shown
    paid(usd, "999.00", datetime.date(2026, 6, 16))  # after today: not yet

    (block,) = dashboard.dashboard_for(org, today=TODAY).currencies

    assert block.paid_this_month is not None and block.paid_last_month is not None
    assert block.paid_this_month.amount == "$120.00"
    assert block.paid_this_month.count == 2
    assert block.paid_last_month.amount == "$300.00"
    assert block.trend == "down"
    assert "date__gte=2026-06-01" in block.paid_this_month.url
    assert "date__gte=2026-05-01" in block.paid_last_month.url
    assert "date__lt=2026-06-01" in block.paid_last_month.url

    # and each figure opens the payments it sums
    this_month = owner_client.get(block.paid_this_month.url).context["cl"].result_list
    last_month = owner_client.get(block.paid_last_month.url).context["cl"].result_list
    assert sorted(p.amount for p in this_month) == [Decimal("20.00"), Decimal("100.00")]
    assert [p.amount for p in last_month] == [Decimal("300.00")]


def test_an_empty_organisation_shows_its_base_currency_at_zero(org: Organisation) -> None:
    board = dashboard.dashboard_for(org, today=TODAY)
    (block,) = board.currencies
    assert block.currency == org.base_currency
    assert [f.count for f in block.receivables] == [0, 0, 0]
    assert board.activity == []
    assert board.waiting_total == 0


def waiting_of(org: Organisation) -> dict[str, int]:
    board = dashboard.dashboard_for(org)
    return {item.label: item.count for item in board.waiting}


def test_what_waits_for_the_business_is_counted(
    org: Organisation,
    other_org: Organisation,
    owner: Any,
    customer_a: Contact,
    customer_a_person: Any,
) -> None:
    # given an open estimate with a change request and another one answered by staff
    def change_request(estimate: Any) -> Comment:
        return Comment.objects.create(
            organisation=org,
            contact=customer_a,
            estimate=estimate,
            kind=Comment.Kind.CHANGE_REQUEST,
            author_person=customer_a_person,
            body="Cheaper, please.",
        )

    waiting = sales_services.estimate_send(estimate=make.estimate(customer_a))
    change_request(waiting)
    change_request(waiting)  # a second request on the same estimate counts it once
    answered = sales_services.estimate_send(estimate=make.estimate(customer_a))
    change_request(answered)
    Comment.objects.create(
        organisation=org,
        contact=customer_a,
        estimate=answered,
        author_user=owner,
        body="Here is a revised one.",
        show_in_portal=True,
    )
    # and a details change to review, a failed and an unknown checkout
    DetailsChangeItem.objects.create(
        organisation=org,
        contact=customer_a,
        person=customer_a_person,
        batch=uuid.uuid4(),
        field="phone",
        old_value="1",
        new_value="2",
        status=DetailsChangeItem.Status.PENDING,
    )
    checkout(org, customer_a, Checkout.State.FAILED)
    checkout(org, customer_a, Checkout.State.UNKNOWN)
    checkout(org, customer_a, Checkout.State.SUCCEEDED)

    # when
    counts = waiting_of(org)

    # then
    assert counts["Estimates with change requests to answer"] == 1
    assert counts["Customer details changes to review"] == 1
    assert counts["Online payments failed (last 30 days)"] == 1
    assert counts["Online payments to reconcile"] == 1
    assert counts["Timesheets rejected (last 30 days)"] == 0
    assert sum(waiting_of(other_org).values()) == 0


def checkout(org: Organisation, contact: Contact, state: str) -> Checkout:
    return Checkout.objects.create(
        organisation=org,
        contact=contact,
        gateway_account=GatewayAccountFactory(organisation=org),
        amount=Decimal("10.00"),
        currency=contact.currency,
        idempotency_key=str(uuid.uuid4()),
        state=state,
    )


def test_recent_activity_links_to_what_it_is_about(org: Organisation, customer_a: Contact) -> None:
    invoice = make.invoice(customer_a)
    Notification.objects.create(
        organisation=org,
        kind=Notification.Kind.PAID,
        event_key="paid:1",
        text="Customer A paid INV-1",
        contact=customer_a,
        invoice=invoice,
    )
    (event,) = dashboard.dashboard_for(org).activity
    assert event.text == "Customer A paid INV-1"
    assert event.url == reverse("admin:sales_invoice_change", args=[invoice.pk])
    assert event.icon == "payments"


def fill(org: Organisation, customers: int) -> None:
    """An organisation with `customers` customers in two currencies, each with history."""
    for index in range(customers):
        contact = ContactFactory(organisation=org, currency="USD" if index % 2 else "EUR")
        owed(contact, "100.00", index * 9)
        paid(contact, "10.00", datetime.date.today())
        Notification.objects.create(
            organisation=org,
            kind=Notification.Kind.VIEWED,
            event_key=f"viewed:{contact.pk}",
            text="Viewed",
            contact=contact,
        )


@pytest.mark.parametrize("customers", [1, 12])
def test_the_home_page_costs_the_same_queries_whatever_the_size(
    customers: int, owner_client: Client, org: Organisation, django_assert_num_queries: Any
) -> None:
    # given a small and a larger organisation
    fill(org, customers)
    owner_client.get(reverse("admin:index"))  # warm the session and caches

    # when / then: the session with its user, membership; four from the admin's menu (the one-row
    # settings screens ask whether their row exists, for the sidebar and the app list);
    # receivables, payments, waiting, activity and the checklist: one query each; the
    # header's unread notifications count (every back-office page): one
    with django_assert_num_queries(12):
        response = owner_client.get(reverse("admin:index"))
    assert response.status_code == 200


def test_the_home_page_shows_figures_that_link_to_their_lists(
    owner_client: Client, org: Organisation
) -> None:
    usd = ContactFactory(organisation=org, currency="USD")
    owed(usd, "123.45", 40)
    page = owner_client.get(reverse("admin:index")).content.decode()
    assert "$123.45" in page
    assert "Unpaid invoices by age" in page
    assert f"{reverse('admin:sales_invoice_changelist')}?receivables=31-60&amp;currency=USD" in page


@pytest.mark.parametrize(
    ("bucket", "expected"),
    [("overdue", ["50.00", "70.00"]), ("current", ["10.00", "20.00"]), ("90+", ["70.00"])],
)
def test_the_invoice_list_filters_by_the_same_rule_as_the_figure(
    bucket: str, expected: list[str], owner_client: Client, org: Organisation, time_machine: Any
) -> None:
    time_machine.move_to(datetime.datetime(2026, 6, 15, 12, tzinfo=datetime.UTC))
    usd = ContactFactory(organisation=org, currency="USD")
    owed(usd, "10.00", None)
    owed(usd, "20.00", -3)
    owed(usd, "50.00", 31)
    owed(usd, "70.00", 91)
    response = owner_client.get(
        reverse("admin:sales_invoice_changelist"), {"receivables": bucket, "currency": "USD"}
    )
    totals = sorted(invoice.total for invoice in response.context["cl"].result_list)
    assert totals == [Decimal(total) for total in expected]


def test_the_change_request_link_lists_the_unanswered_requests(
    owner_client: Client, org: Organisation, customer_a: Contact, customer_a_person: Any
) -> None:
    estimate = sales_services.estimate_send(estimate=make.estimate(customer_a))
    request = Comment.objects.create(
        organisation=org,
        contact=customer_a,
        estimate=estimate,
        kind=Comment.Kind.CHANGE_REQUEST,
        author_person=customer_a_person,
        body="Cheaper, please.",
    )
    Comment.objects.create(
        organisation=org, contact=customer_a, invoice=make.invoice(customer_a), body="Other"
    )
    (link,) = [w.url for w in dashboard.dashboard_for(org).waiting if "change requests" in w.label]
    response = owner_client.get(link)
    assert [c.pk for c in response.context["cl"].result_list] == [request.pk]


def test_every_waiting_number_opens_a_list_of_exactly_those_rows(
    owner_client: Client, org: Organisation, customer_a: Contact, customer_a_person: Any
) -> None:
    # given one of each thing that waits for the business, and one that no longer does
    estimate = sales_services.estimate_send(estimate=make.estimate(customer_a))
    Comment.objects.create(
        organisation=org,
        contact=customer_a,
        estimate=estimate,
        kind=Comment.Kind.CHANGE_REQUEST,
        author_person=customer_a_person,
        body="Cheaper, please.",
    )
    DetailsChangeItem.objects.create(
        organisation=org,
        contact=customer_a,
        person=customer_a_person,
        batch=uuid.uuid4(),
        field="phone",
        old_value="1",
        new_value="2",
        status=DetailsChangeItem.Status.PENDING,
    )
    TimesheetApprovalFactory(
        project=ProjectFactory(contact=customer_a),
        status=TimesheetApproval.Status.REJECTED,
        reason="Too many hours",
        decided_at=timezone.now() - datetime.timedelta(days=2),
    )
    TimesheetApprovalFactory(
        project=ProjectFactory(contact=customer_a),
        status=TimesheetApproval.Status.REJECTED,
        reason="Long ago",
        decided_at=timezone.now() - datetime.timedelta(days=90),
    )
    checkout(org, customer_a, Checkout.State.FAILED)
    old_failure = checkout(org, customer_a, Checkout.State.FAILED)
    Checkout.objects.filter(pk=old_failure.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=90)
    )
    checkout(org, customer_a, Checkout.State.UNKNOWN)

    # when each number on the home page is followed
    for item in dashboard.dashboard_for(org).waiting:
        response = owner_client.get(item.url)

        # then the list holds exactly what was counted
        assert response.status_code == 200, item.url
        assert item.count == 1, item.label
        assert len(response.context["cl"].result_list) == 1, item.url
