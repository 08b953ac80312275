"""Demo step: a conversation on one of Acme's open invoices and on an estimate, the first views
the business was told about, and the notification settings. Skipped once Acme has comments."""

from __future__ import annotations

from django.db import transaction

from portico.activity import portal_actions, services
from portico.activity.models import Comment, NotificationSettings
from portico.contacts.models import ContactPerson
from portico.contacts.scope import PortalScope
from portico.devdata.demo.context import DemoContext
from portico.sales.models import Estimate, Invoice

PERSON = "alice@acme.example"


def load(context: DemoContext) -> None:
    organisation, owner = context.organisation, context.owner
    assert organisation is not None and owner is not None
    NotificationSettings.objects.get_or_create(organisation=organisation)
    person = (
        ContactPerson.objects.in_organisation(organisation)
        .select_related("contact")
        .filter(email=PERSON)
        .first()
    )
    if person is None or Comment.objects.filter(contact=person.contact).exists():
        return
    scope = PortalScope(organisation, person.contact, person)
    invoice = (
        Invoice.objects.filter(contact=person.contact, status__in=Invoice.OPEN_STATUSES)
        .order_by("-issue_date")
        .first()
    )
    estimate = (
        Estimate.objects.filter(contact=person.contact, status__in=("sent", "viewed"))
        .order_by("-issue_date")
        .first()
    )
    origin = services.Origin(ip="203.0.113.10", user_agent="Demo browser")
    with transaction.atomic():
        if invoice is not None:
            services.document_mark_viewed(scope=scope, document=invoice, origin=origin)
            services.comment_add_from_portal(
                scope=scope,
                target=invoice,
                body="Could we pay this one in two instalments?",
                origin=origin,
            )
            services.comment_add_from_staff(
                user=owner,
                organisation=organisation,
                target=invoice,
                body="Of course: half now and half in 30 days. Partial payments are on.",
                show_in_portal=True,
            )
            services.comment_add_from_staff(
                user=owner,
                organisation=organisation,
                target=invoice,
                body="Internal: Acme always pays late in December.",
                show_in_portal=False,
            )
        if estimate is not None:
            services.document_mark_viewed(scope=scope, document=estimate, origin=origin)
            portal_actions.estimate_request_changes(
                scope=scope,
                estimate=estimate,
                message="Could the second phase start in March instead?",
                origin=origin,
            )
    context.say("added comments, a change request and notifications for Acme")
