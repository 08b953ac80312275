from __future__ import annotations

import factory

from portico.contacts.models import Contact, ContactPerson


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    organisation = factory.SubFactory("tests.orgs.factories.OrganisationFactory")
    display_name = factory.Sequence(lambda n: f"Customer {n}")
    company_name = factory.LazyAttribute(lambda o: o.display_name)
    currency = "USD"
    billing_country = "US"


class ContactPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactPerson

    contact = factory.SubFactory(ContactFactory)
    organisation = factory.LazyAttribute(lambda o: o.contact.organisation)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"person{n}@customer.example")
