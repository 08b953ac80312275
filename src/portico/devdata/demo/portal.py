"""Demo portal logins: Acme's people (active, invited, billing-only) and Blue Harbor's owner."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from portico.activity import invitations
from portico.contacts.models import ContactPerson
from portico.devdata.demo.context import DEMO_PASSWORD, DemoContext

Role = ContactPerson.PortalRole
Status = ContactPerson.PortalStatus

# (email, role, active with the demo password? else invited only)
PERSONS = [
    ("alice@acme.example", Role.FULL, True),
    ("arthur@acme.example", Role.FULL, False),
    ("amira@acme.example", Role.BILLING, True),
    ("ben@blueharbor.example", Role.FULL, True),
]


def load(context: DemoContext) -> None:
    organisation = context.organisation
    assert organisation is not None
    changed = 0
    for email, role, active in PERSONS:
        person = (
            ContactPerson.objects.in_organisation(organisation)
            .select_related("contact", "organisation")
            .filter(email=email)
            .first()
        )
        if person is None or person.portal_status != Status.NOT_ENABLED:
            continue
        with transaction.atomic():
            invitations.portal_access_enable(
                person=person, role=role, password=DEMO_PASSWORD if active else None
            )
        changed += 1
    if changed:
        context.say(f"opened the client portal for {changed} contact persons")
    portal = f"{settings.SITE_URL}/portal/{organisation.slug}/"
    context.logins += [
        ("Portal (Acme)", portal, f"alice@acme.example / {DEMO_PASSWORD}"),
        ("Portal (Acme, billing only)", portal, f"amira@acme.example / {DEMO_PASSWORD}"),
        ("Portal (Blue Harbor Cafe)", portal, f"ben@blueharbor.example / {DEMO_PASSWORD}"),
    ]
