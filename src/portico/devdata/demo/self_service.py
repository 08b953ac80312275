"""Demo self-service data: a review, a message and a company details change waiting for review."""

from __future__ import annotations

import uuid

from django.db import transaction

from portico.activity import self_service as services
from portico.contacts.models import (
    ContactPerson,
    CustomerMessage,
    DetailsChangeItem,
    Review,
    SelfServiceSettings,
)
from portico.contacts.scope import PortalScope
from portico.devdata.demo.context import DemoContext


def _person(context: DemoContext, email: str) -> ContactPerson | None:
    assert context.organisation is not None
    return (
        ContactPerson.objects.in_organisation(context.organisation)
        .select_related("contact", "organisation")
        .filter(email=email)
        .first()
    )


def _scope(person: ContactPerson) -> PortalScope:
    return PortalScope(person.organisation, person.contact, person)


@transaction.atomic
def load(context: DemoContext) -> None:
    organisation = context.organisation
    assert organisation is not None
    SelfServiceSettings.objects.get_or_create(organisation=organisation)
    amira = _person(context, "amira@acme.example")
    if amira is not None and not Review.objects.filter(person=amira).exists():
        services.review_save(
            scope=_scope(amira),
            rating=5,
            text="Clear invoices, quick answers, and the portal saves us a lot of email.",
        )
    alice = _person(context, "alice@acme.example")
    if alice is not None and not CustomerMessage.objects.filter(person=alice).exists():
        services.customer_message_send(
            scope=_scope(alice),
            subject="Purchase order numbers on invoices",
            body="Hello,\n\ncould you add our PO number to the next invoices?\n\nThanks, Alice",
        )
    ben = _person(context, "ben@blueharbor.example")
    if ben is not None and not DetailsChangeItem.objects.filter(contact=ben.contact).exists():
        DetailsChangeItem.objects.create(
            organisation=organisation,
            contact=ben.contact,
            person=ben,
            batch=uuid.uuid4(),
            field="billing_street",
            old_value=ben.contact.billing_street,
            new_value="12 Harbour Road",
            status=DetailsChangeItem.Status.PENDING,
        )
    context.say("Self-service: a review, a message and a details change waiting for review.")
