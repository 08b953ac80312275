from __future__ import annotations

from portico.contacts import services
from portico.contacts.models import Contact
from portico.devdata.demo.context import DemoContext

# (display name, city, country, currency, [(first, last, email, designation)])
CUSTOMERS = [
    ("Acme Corporation", "Chicago", "US", "USD", [
        ("Alice", "Anders", "alice@acme.example", "Finance manager"),
        ("Arthur", "Brooks", "arthur@acme.example", "Project lead"),
        ("Amira", "Castell", "amira@acme.example", "Accounts payable"),
    ]),
    ("Blue Harbor Cafe", "Seattle", "US", "USD", [
        ("Ben", "Okafor", "ben@blueharbor.example", "Owner"),
    ]),
    ("Cedar & Pine Architects", "Portland", "US", "USD", [
        ("Chloe", "Nakamura", "chloe@cedarpine.example", "Office manager"),
        ("Carlos", "Mendes", "", "Partner"),
    ]),
    ("Delta Logistics GmbH", "Hamburg", "DE", "EUR", [
        ("Dieter", "Krause", "d.krause@delta-logistics.example", "Einkauf"),
    ]),
    ("Evergreen Dental", "Denver", "US", "USD", [
        ("Erin", "Walsh", "erin@evergreendental.example", "Practice manager"),
    ]),
    ("Fjord Outdoor AS", "Bergen", "NO", "NOK", [
        ("Frida", "Lund", "frida@fjord-outdoor.example", "CFO"),
    ]),
    ("Golden Gate Yoga", "San Francisco", "US", "USD", [
        ("Grace", "Kim", "grace@ggyoga.example", "Founder"),
    ]),
    ("Harbourview Hotels Ltd", "Brighton", "GB", "GBP", [
        ("Harry", "Patel", "harry@harbourview.example", "Marketing director"),
        ("Hannah", "Reid", "accounts@harbourview.example", "Accounts"),
    ]),
    ("Ibis Books", "Austin", "US", "USD", [
        ("Isaac", "Romero", "isaac@ibisbooks.example", "Owner"),
    ]),
    ("Juniper Health Clinic", "Boston", "US", "USD", [
        ("Julia", "Chen", "julia@juniperhealth.example", "Administrator"),
    ]),
    ("Kestrel Robotics", "Pittsburgh", "US", "USD", [
        ("Kai", "Andersson", "kai@kestrel.example", "COO"),
    ]),
    ("Lumen Studio Tokyo", "Tokyo", "JP", "JPY", [
        ("Haruto", "Sato", "sato@lumen-tokyo.example", "Producer"),
    ]),
]  # fmt: skip


def load(context: DemoContext) -> None:
    organisation = context.organisation
    assert organisation is not None
    created = 0
    for name, city, country, currency, persons in CUSTOMERS:
        contact = Contact.objects.filter(organisation=organisation, display_name=name).first()
        if contact is None:
            contact = services.contact_create(
                organisation=organisation,
                display_name=name,
                company_name=name,
                currency=currency,
                email=persons[0][2],
                billing_city=city,
                billing_country=country,
                billing_street=f"{100 + created * 7} Main Street",
                billing_postal_code=f"{10000 + created * 731}",
                allow_bank_debit=country == "US",
            )
            for index, (first, last, email, designation) in enumerate(persons):
                services.contact_person_create(
                    contact=contact,
                    first_name=first,
                    last_name=last,
                    email=email,
                    designation=designation,
                    is_primary=index == 0,
                )
            created += 1
        context.extra.setdefault("customers", []).append(contact)
    if created:
        context.say(f"created {created} customers with their contact persons")
