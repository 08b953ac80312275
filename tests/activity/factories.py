"""Rows of the activity app inside a given organisation (for tests and tests/tenancy/)."""

from __future__ import annotations

import uuid

from portico.activity.models import (
    ActivityLog,
    Comment,
    EstimateAcceptance,
    Notification,
    NotificationSettings,
)
from portico.orgs.models import Organisation
from portico.sales import services as sales_services
from tests.contacts.factories import ContactFactory
from tests.sales import factories as sales


def notification(org: Organisation) -> Notification:
    return Notification.objects.create(
        organisation=org,
        kind=Notification.Kind.MESSAGED,
        event_key=f"test:{uuid.uuid4()}",
        text="A customer sent a message.",
        contact=ContactFactory(organisation=org),
    )


def comment(org: Organisation) -> Comment:
    contact = ContactFactory(organisation=org)
    return Comment.objects.create(
        organisation=org,
        contact=contact,
        invoice=sales.invoice(contact),
        body="When is it due?",
        show_in_portal=True,
    )


def activity(org: Organisation) -> ActivityLog:
    return ActivityLog.objects.create(
        organisation=org, contact=ContactFactory(organisation=org), action="viewed"
    )


def acceptance(org: Organisation) -> EstimateAcceptance:
    estimate = sales_services.estimate_send(
        estimate=sales.estimate(ContactFactory(organisation=org))
    )
    estimate = sales_services.estimate_accept(estimate=estimate, signed_name="Ann")
    return EstimateAcceptance.objects.create(
        organisation=org,
        estimate=estimate,
        total=estimate.total,
        currency=estimate.currency,
    )


def notification_settings(org: Organisation) -> NotificationSettings:
    return NotificationSettings.objects.get_or_create(organisation=org)[0]


ROWS = {
    Notification: notification,
    Comment: comment,
    ActivityLog: activity,
    EstimateAcceptance: acceptance,
    NotificationSettings: notification_settings,
}
