"""Demo step: online payment settings for Demo Studio, and where to try paying."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from portico.core.demo import DemoContext
from portico.payments.models import CheckoutSettings


def load(context: DemoContext) -> None:
    organisation = context.organisation
    assert organisation is not None, "the orgs step runs first"
    _settings, created = CheckoutSettings.objects.get_or_create(organisation=organisation)
    if created:
        context.say("turned on duplicate-payment prevention for online payments")
    url = reverse("portal:checkout", kwargs={"org_slug": organisation.slug})
    context.logins.append(
        (
            "Pay invoices (logged in)",
            f"{settings.SITE_URL}{url}",
            "card 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined; "
            "bank 110000000 / 000123456789 stays pending until `portico sandbox settle`",
        )
    )
