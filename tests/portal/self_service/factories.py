from __future__ import annotations

import uuid

import factory

from portico.contacts.models import (
    CustomerMessage,
    DetailsChangeItem,
    Review,
    SelfServiceSettings,
)
from tests.contacts.factories import ContactPersonFactory


class SelfServiceSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SelfServiceSettings

    organisation = factory.SubFactory("tests.orgs.factories.OrganisationFactory")
    details_changes_need_review = True


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    person = factory.SubFactory(ContactPersonFactory)
    contact = factory.LazyAttribute(lambda o: o.person.contact)
    organisation = factory.LazyAttribute(lambda o: o.person.organisation)
    rating = 4
    text = "Quick and friendly."


class CustomerMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerMessage

    person = factory.SubFactory(ContactPersonFactory)
    contact = factory.LazyAttribute(lambda o: o.person.contact)
    organisation = factory.LazyAttribute(lambda o: o.person.organisation)
    reply_to = factory.LazyAttribute(lambda o: o.person.email)
    subject = "A question"
    body = "When is the next delivery?"


class DetailsChangeItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DetailsChangeItem

    person = factory.SubFactory(ContactPersonFactory)
    contact = factory.LazyAttribute(lambda o: o.person.contact)
    organisation = factory.LazyAttribute(lambda o: o.person.organisation)
    batch = factory.LazyFunction(uuid.uuid4)
    field = "phone"
    old_value = ""
    new_value = "+1 555 0100"
    status = DetailsChangeItem.Status.PENDING
