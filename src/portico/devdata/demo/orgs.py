from __future__ import annotations

from decimal import Decimal

from portico.accounts.models import Membership, User
from portico.devdata.demo.context import DEMO_OWNER_EMAIL, DEMO_PASSWORD, DEMO_SLUG, DemoContext
from portico.orgs import services
from portico.orgs.models import Item, Organisation, Tax

ITEMS = [
    ("Design consultation", "Hour", Decimal("120.00")),
    ("Brand identity package", "Package", Decimal("2400.00")),
    ("Website development", "Hour", Decimal("95.00")),
    ("Photography session", "Session", Decimal("650.00")),
    ("Hosting (monthly)", "Month", Decimal("45.00")),
    ("Print production", "Unit", Decimal("3.50")),
]


def load(context: DemoContext) -> None:
    organisation = Organisation.objects.filter(slug=DEMO_SLUG).first()
    if organisation is None:
        organisation = services.organisation_create(
            name="Demo Studio",
            slug=DEMO_SLUG,
            primary_email="hello@demo-studio.example",
            base_currency="USD",
            phone="+1 415 555 0100",
            website="https://demo-studio.example",
            street="500 Market Street",
            city="San Francisco",
            state="CA",
            postal_code="94105",
            country="US",
            tax_number="US-94-1234567",
        )
        context.say("created organisation Demo Studio (/portal/demo/)")
    context.organisation = organisation

    owner = User.objects.filter(email=DEMO_OWNER_EMAIL).first()
    if owner is None:
        owner = User.objects.create_user(
            DEMO_OWNER_EMAIL, DEMO_PASSWORD, full_name="Olivia Owner", is_staff=True
        )
        context.say(f"created staff owner {DEMO_OWNER_EMAIL}")
    Membership.objects.get_or_create(
        user=owner, organisation=organisation, defaults={"role": Membership.Role.OWNER}
    )
    context.owner = owner

    tax, created = Tax.objects.get_or_create(
        organisation=organisation, name="Sales tax", defaults={"rate": Decimal("8.625")}
    )
    if created or not tax.is_default:
        services.tax_set_default(tax=tax)
    Tax.objects.get_or_create(organisation=organisation, name="Zero rated", defaults={"rate": 0})
    for name, unit, rate in ITEMS:
        Item.objects.get_or_create(
            organisation=organisation, name=name, defaults={"unit": unit, "rate": rate, "tax": tax}
        )
