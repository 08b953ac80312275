"""The generator's building blocks: bulk inserts, blocks of document numbers, priced lines."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.db import models

from portico.contacts.models import Contact
from portico.core import money
from portico.devdata.scale.spec import Progress
from portico.orgs import services as org_services
from portico.orgs.models import Organisation, PortalPreferences, Tax
from portico.payments.models import PaymentMode
from portico.sales import numbering
from portico.sales.models import NumberSequence

ZERO = Decimal(0)
BATCH = 1000
M = TypeVar("M", bound=models.Model)

RATES = [Decimal(v) for v in ("12.50", "45.00", "80.00", "95.00", "120.00", "249.99", "600.00")]
SERVICES = (
    "Consulting",
    "Design work",
    "Hosting (monthly)",
    "Support retainer",
    "Implementation",
    "Training session",
    "Licence",
)
TASKS = ("Design", "Development", "Review", "Meetings", "Testing", "Deployment")
MODES = (PaymentMode.BANK_TRANSFER, PaymentMode.CARD, PaymentMode.CHEQUE, PaymentMode.CASH)
Drafts = list[tuple[Any, list[dict[str, Any]]]]
"""Documents not inserted yet, each with the field values of its lines."""


def batches(rows: Sequence[M]) -> Iterator[Sequence[M]]:
    for start in range(0, len(rows), BATCH):
        yield rows[start : start + BATCH]


def insert(model: type[M], rows: Sequence[M], label: str, progress: Progress) -> list[M]:
    """bulk_create in batches (primary keys are set on SQLite and PostgreSQL alike)."""
    for batch in batches(rows):
        model.objects.bulk_create(batch)  # type: ignore[attr-defined]
        progress(label, len(batch))
    return list(rows)


def reserve_numbers(*, organisation: Organisation, kind: str, count: int) -> list[str]:
    """Take `count` consecutive numbers of `kind` from the services' counter row, locked."""
    if count == 0:
        return []
    sequence, _ = NumberSequence.objects.select_for_update().get_or_create(
        organisation=organisation, kind=kind
    )
    start = sequence.next_value
    sequence.next_value = start + count
    sequence.save(update_fields=["next_value", "updated_at"])
    return [
        numbering.format_number(kind=kind, value=value) for value in range(start, start + count)
    ]


def organisation_get_or_create(slug: str, currency: str) -> tuple[Organisation, Tax]:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        organisation = org_services.organisation_create(
            name=f"{slug.replace('-', ' ').title()} Ltd",
            slug=slug,
            primary_email=f"accounts@{slug}.example",
            base_currency=currency,
        )
    PortalPreferences.objects.filter(organisation=organisation).update(
        portal_enabled=True, show_projects=True
    )
    tax = Tax.objects.filter(organisation=organisation, is_default=True).first()
    if tax is None:
        tax, _ = Tax.objects.get_or_create(
            organisation=organisation, name="Sales tax", defaults={"rate": Decimal("8.250")}
        )
        org_services.tax_set_default(tax=tax)
    return organisation, tax


def priced_lines(
    rng: random.Random, currency: str, tax: Tax
) -> tuple[list[dict[str, Any]], money.Totals]:
    """1–3 priced lines and the document totals computed by the one money function."""
    specs = []
    priced = []
    for position in range(rng.randint(1, 3)):
        quantity = Decimal(rng.randint(1, 8))
        rate = rng.choice(RATES)
        discount = Decimal(rng.choice((0, 0, 0, 5, 10)))
        taxed = rng.random() < 0.8
        amount = money.line_amount(quantity, rate, discount, currency)
        specs.append(
            {
                "description": rng.choice(SERVICES),
                "quantity": quantity,
                "rate": rate,
                "discount_percent": discount,
                "tax_id": tax.pk if taxed else None,
                "amount": amount,
                "position": position,
            }
        )
        priced.append(
            money.PricedLine(
                amount=amount,
                tax_key=tax.pk if taxed else None,
                tax_name=tax.name if taxed else "",
                tax_rate=tax.rate if taxed else ZERO,
            )
        )
    return specs, money.document_totals(priced, currency)


@dataclass
class Plan:
    """One customer's documents before insertion."""

    contact: Contact
    invoices: int
    payments: int
    estimates: int
    projects: int = 0
    time_entries: int = 0
