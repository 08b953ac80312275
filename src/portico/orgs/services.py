"""Writes to an organisation's settings."""

from __future__ import annotations

from django.db import transaction

from portico.orgs.models import Organisation, PortalAddressAlias, PortalPreferences, Tax


@transaction.atomic
def organisation_create(
    *, name: str, slug: str, primary_email: str, base_currency: str = "USD", **details: object
) -> Organisation:
    organisation = Organisation(
        name=name, slug=slug, primary_email=primary_email, base_currency=base_currency, **details
    )
    organisation.full_clean()
    organisation.save()
    # An address another organisation left behind is this one's now.
    PortalAddressAlias.objects.filter(slug=organisation.slug).delete()
    PortalPreferences.objects.create(organisation=organisation)
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, previous_slug: str) -> Organisation:
    """Save an edited organisation. When its portal address changed, the old one is kept as
    an alias that redirects to the new one (links in sent emails keep working)."""
    organisation.save()
    if previous_slug and previous_slug != organisation.slug:
        PortalAddressAlias.objects.filter(slug=organisation.slug).delete()
        PortalAddressAlias.objects.update_or_create(
            slug=previous_slug, defaults={"organisation": organisation}
        )
    return organisation


@transaction.atomic
def tax_set_default(*, tax: Tax) -> Tax:
    """Make `tax` its organisation's only default (the constraint allows one)."""
    # Serialise default changes per organisation: lock its row, then swap.
    Organisation.objects.select_for_update().only("pk").get(pk=tax.organisation_id)
    Tax.objects.filter(organisation_id=tax.organisation_id, is_default=True).exclude(
        pk=tax.pk
    ).update(is_default=False)
    Tax.objects.filter(pk=tax.pk).update(is_default=True)
    tax.is_default = True
    return tax
