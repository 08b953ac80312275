"""Comments, notifications (exactly once), "viewed" marks and portal actions on estimates."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core import mail

from portico.activity import portal_actions, services
from portico.activity.models import (
    ActivityLog,
    Comment,
    EstimateAcceptance,
    Notification,
    NotificationSettings,
)
from portico.activity.services import Origin
from portico.contacts.models import Contact, ContactPerson
from portico.contacts.scope import PortalScope
from portico.core.errors import DomainError
from portico.orgs.models import Organisation
from portico.projects.models import TimesheetApproval
from portico.sales import services as sales_services
from portico.sales.models import Estimate, Invoice
from tests.projects.factories import ProjectFactory, TimesheetApprovalFactory
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db
ORIGIN = Origin(ip="203.0.113.7", user_agent="pytest-browser")


@pytest.fixture
def scope(org: Organisation, customer_a: Contact, customer_a_person: ContactPerson) -> PortalScope:
    return PortalScope(org, customer_a, customer_a_person)


@pytest.fixture
def sent_estimate(customer_a: Contact) -> Estimate:
    return sales_services.estimate_send(estimate=sales.estimate(customer_a, "250.00"))


def test_a_first_view_sets_the_time_once_and_notifies_once(
    scope: PortalScope, customer_a: Contact, django_capture_on_commit_callbacks: Any
) -> None:
    # given an invoice sent to customer A
    invoice = sales.invoice(customer_a)

    # when their person opens it twice
    with django_capture_on_commit_callbacks(execute=True):
        first = services.document_mark_viewed(scope=scope, document=invoice, origin=ORIGIN)
    again = Invoice.objects.get(pk=invoice.pk)
    second = services.document_mark_viewed(scope=scope, document=again, origin=ORIGIN)
    fresh = Invoice.objects.get(pk=invoice.pk)
    third = services.document_mark_viewed(scope=scope, document=Invoice.objects.get(pk=invoice.pk))

    # then the first view is kept, one notification and one email go to the business
    assert (first, second, third) == (True, False, False)
    assert fresh.first_viewed_at is not None
    assert fresh.status == Invoice.Status.VIEWED
    assert Notification.objects.filter(kind=Notification.Kind.VIEWED).count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [scope.organisation.primary_email]
    assert ActivityLog.objects.filter(action="viewed").count() == 1


def test_a_replayed_event_key_is_notified_only_once(scope: PortalScope) -> None:
    made = [
        services.notification_create(
            organisation=scope.organisation,
            kind=Notification.Kind.MESSAGED,
            event_key="messaged:1",
            text="Hello",
        )
        for _ in range(3)
    ]

    assert made[0] is not None and made[1:] == [None, None]
    assert Notification.objects.count() == 1


def test_the_per_event_switch_stops_the_email_but_not_the_notification(
    scope: PortalScope, django_capture_on_commit_callbacks: Any
) -> None:
    NotificationSettings.objects.create(organisation=scope.organisation, email_on_comment=False)
    invoice = sales.invoice(scope.contact)

    with django_capture_on_commit_callbacks(execute=True):
        services.comment_add_from_portal(scope=scope, target=invoice, body="When is it due?")

    assert Notification.objects.filter(kind=Notification.Kind.COMMENTED).count() == 1
    assert mail.outbox == []


def test_a_customer_comment_shows_and_a_staff_reply_only_when_ticked(
    scope: PortalScope, owner: Any
) -> None:
    invoice = sales.invoice(scope.contact)
    services.comment_add_from_portal(scope=scope, target=invoice, body="<b>hi</b>")
    services.comment_add_from_staff(
        user=owner,
        organisation=scope.organisation,
        target=invoice,
        body="Internal",
        show_in_portal=False,
    )
    services.comment_add_from_staff(
        user=owner,
        organisation=scope.organisation,
        target=invoice,
        body="Reply",
        show_in_portal=True,
    )
    from portico.activity import selectors

    bodies = [c.body for c in selectors.comments_for_portal(scope=scope, target=invoice)]
    assert bodies == ["<b>hi</b>", "Reply"]


def test_a_comment_on_another_customers_document_is_refused(
    scope: PortalScope, customer_b: Contact
) -> None:
    invoice = sales.invoice(customer_b)
    with pytest.raises(DomainError):
        services.comment_add_from_portal(scope=scope, target=invoice, body="mine?")
    assert Comment.objects.count() == 0


def test_an_empty_or_too_long_comment_is_refused(scope: PortalScope) -> None:
    invoice = sales.invoice(scope.contact)
    for body in ("   ", "x" * 2001):
        with pytest.raises(DomainError):
            services.comment_add_from_portal(scope=scope, target=invoice, body=body)


def test_accepting_keeps_the_signature_ip_and_total_and_notifies(
    scope: PortalScope, sent_estimate: Estimate
) -> None:
    accepted = portal_actions.estimate_accept_from_portal(
        scope=scope, estimate=sent_estimate, signed_name="  Ann   Example ", origin=ORIGIN
    )

    assert accepted.status == Estimate.Status.ACCEPTED
    signature = EstimateAcceptance.objects.get(estimate=accepted)
    assert signature.signed_name == "Ann Example"
    assert signature.ip_address == "203.0.113.7"
    assert signature.total == accepted.total == Decimal("250.00")
    assert Notification.objects.get().kind == Notification.Kind.ESTIMATE_ACCEPTED
    assert ActivityLog.objects.get().user_agent == "pytest-browser"


def test_accepting_twice_or_after_declining_is_refused_with_a_clear_message(
    scope: PortalScope, sent_estimate: Estimate
) -> None:
    portal_actions.estimate_accept_from_portal(
        scope=scope, estimate=sent_estimate, signed_name="Ann", origin=ORIGIN
    )
    with pytest.raises(DomainError, match="already accepted"):
        portal_actions.estimate_accept_from_portal(
            scope=scope, estimate=sent_estimate, signed_name="Ann", origin=ORIGIN
        )
    with pytest.raises(DomainError, match="already accepted"):
        portal_actions.estimate_decline_from_portal(
            scope=scope, estimate=sent_estimate, reason="no", origin=ORIGIN
        )
    assert Notification.objects.count() == 1


def test_an_estimate_past_its_expiry_date_cannot_be_accepted(
    scope: PortalScope, customer_a: Contact
) -> None:
    estimate = sales_services.estimate_send(
        estimate=sales.estimate(customer_a, expiry_date=sales.DAY)
    )
    with pytest.raises(DomainError, match="expired"):
        portal_actions.estimate_accept_from_portal(
            scope=scope, estimate=estimate, signed_name="Ann", origin=ORIGIN
        )


def test_a_signature_and_a_decline_reason_are_required(
    scope: PortalScope, sent_estimate: Estimate
) -> None:
    with pytest.raises(DomainError) as accept_error:
        portal_actions.estimate_accept_from_portal(
            scope=scope, estimate=sent_estimate, signed_name=" ", origin=ORIGIN
        )
    with pytest.raises(DomainError) as decline_error:
        portal_actions.estimate_decline_from_portal(
            scope=scope, estimate=sent_estimate, reason="", origin=ORIGIN
        )
    assert accept_error.value.field == "signed_name"
    assert decline_error.value.field == "reason"


def test_requesting_changes_keeps_the_estimate_open_and_tells_the_business(
    scope: PortalScope, sent_estimate: Estimate
) -> None:
    comment = portal_actions.estimate_request_changes(
        scope=scope, estimate=sent_estimate, message="Fewer hours please", origin=ORIGIN
    )

    sent_estimate.refresh_from_db()
    assert sent_estimate.status == Estimate.Status.SENT
    assert comment.kind == Comment.Kind.CHANGE_REQUEST and comment.show_in_portal
    assert [n.kind for n in Notification.objects.all()] == [Notification.Kind.ESTIMATE_CHANGES]


def test_the_preference_turns_an_accepted_estimate_into_a_sent_invoice(
    scope: PortalScope, sent_estimate: Estimate
) -> None:
    NotificationSettings.objects.create(
        organisation=scope.organisation, convert_accepted_estimates=True
    )

    accepted = portal_actions.estimate_accept_from_portal(
        scope=scope, estimate=sent_estimate, signed_name="Ann", origin=ORIGIN
    )

    assert accepted.status == Estimate.Status.INVOICED
    invoice = Invoice.objects.get(estimate=accepted)
    assert invoice.status == Invoice.Status.SENT
    assert invoice.total == accepted.total


def test_a_timesheet_is_approved_or_rejected_with_a_reason(scope: PortalScope) -> None:
    project = ProjectFactory(contact=scope.contact)
    first = TimesheetApprovalFactory(project=project)
    second = TimesheetApprovalFactory(project=project)

    portal_actions.timesheet_approve_from_portal(scope=scope, approval=first, origin=ORIGIN)
    with pytest.raises(DomainError):
        portal_actions.timesheet_reject_from_portal(
            scope=scope, approval=second, reason=" ", origin=ORIGIN
        )
    portal_actions.timesheet_reject_from_portal(
        scope=scope, approval=second, reason="Too many hours", origin=ORIGIN
    )

    assert TimesheetApproval.objects.get(pk=first.pk).status == "approved"
    assert TimesheetApproval.objects.get(pk=second.pk).reason == "Too many hours"
    assert sorted(Notification.objects.values_list("kind", flat=True)) == [
        "timesheet_approved",
        "timesheet_rejected",
    ]


def test_a_timesheet_approval_is_notified_as_viewed_once(scope: PortalScope) -> None:
    approval = TimesheetApprovalFactory(project=ProjectFactory(contact=scope.contact))

    views = [
        services.document_mark_viewed(
            scope=scope, document=TimesheetApproval.objects.get(pk=approval.pk)
        )
        for _ in range(3)
    ]

    assert views == [True, False, False]
    assert Notification.objects.filter(kind="viewed", approval=approval).count() == 1
