from __future__ import annotations

from decimal import Decimal

import factory

from portico.orgs.models import Item, Organisation, PortalPreferences, Tax


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["slug"]
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    primary_email = factory.LazyAttribute(lambda o: f"hello@{o.slug}.example")
    base_currency = "USD"
    preferences = factory.RelatedFactory(
        "tests.orgs.factories.PortalPreferencesFactory", factory_related_name="organisation"
    )


class PortalPreferencesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PortalPreferences
        django_get_or_create = ["organisation"]

    organisation = factory.SubFactory(OrganisationFactory, preferences=None)


class TaxFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tax

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Tax {n}")
    rate = Decimal("10.000")


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Item {n}")
    rate = Decimal("100.00")
