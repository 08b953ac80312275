"""Demo step: online payment settings for Demo Studio, a saved card for Acme and autopay on its
website hosting, and where to try paying."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from portico.contacts.models import Contact
from portico.devdata.demo.context import DemoContext
from portico.orgs.models import GatewayAccount, Organisation
from portico.payments import saved_methods
from portico.payments.gateways import registry
from portico.payments.gateways.base import SaveMethodRequest
from portico.payments.gateways.sandbox import processor
from portico.payments.models import CheckoutSettings, SavedMethod
from portico.sales.models import RecurringProfile

DEMO_CARD = {
    "number": "4242424242424242",
    "exp_month": "12",
    "cvc": "123",
    "name": "Alice Anders",
    "address_line1": "1 Lake Shore Drive",
    "address_city": "Chicago",
    "address_zip": "60601",
    "address_country": "US",
}


def load(context: DemoContext) -> None:
    organisation = context.organisation
    assert organisation is not None, "the orgs step runs first"
    _settings, created = CheckoutSettings.objects.get_or_create(organisation=organisation)
    if created:
        context.say("turned on duplicate-payment prevention for online payments")
    _autopay(context, organisation)
    url = reverse("portal:checkout", kwargs={"org_slug": organisation.slug})
    context.logins.append(
        (
            "Pay invoices (logged in)",
            f"{settings.SITE_URL}{url}",
            "card 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined; "
            "bank 110000000 / 000123456789 stays pending until `portico sandbox settle`",
        )
    )


def _autopay(context: DemoContext, organisation: Organisation) -> None:
    """Acme keeps a Visa on file, and its monthly hosting invoice is charged to it."""
    acme = Contact.objects.filter(
        organisation=organisation, display_name="Acme Corporation"
    ).first()
    account = GatewayAccount.objects.filter(organisation=organisation, is_active=True).first()
    if acme is None or account is None:
        return
    if not SavedMethod.objects.filter(contact=acme).exists():
        card = {**DEMO_CARD, "exp_year": str(timezone.localdate().year + 3)}
        token = processor.token_create(public_key=account.publishable_key, data=card)["token"]
        kept = registry.gateway_for(account).save_method(
            SaveMethodRequest(token=token, customer_ref=str(acme.public_id))
        )
        saved_methods.saved_method_keep(contact=acme, account=account, method=kept)
        context.say("saved Acme's Visa •••• 4242 as its default card")
    profile = RecurringProfile.objects.filter(
        organisation=organisation, contact=acme, name="Website hosting", autopay=False
    ).first()
    if profile is not None and profile.autopay_turned_off_at is None:
        profile.autopay = True
        profile.save(update_fields=["autopay", "updated_at"])
        context.say("turned on autopay for Acme's website hosting (charged to the saved Visa)")
