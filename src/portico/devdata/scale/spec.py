"""How much `portico seed-scale` generates, and what it answers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from portico.contacts.models import Contact
from portico.orgs.models import Organisation


@dataclass(frozen=True)
class ScaleSpec:
    """How much to generate. The first customer is the "big" one; the second is the small
    reference customer (the ordinary per-customer sizes, plus one project)."""

    customers: int = 2000
    invoices_per_customer: int = 10
    payments_per_customer: int = 5
    estimates_per_customer: int = 2
    big_invoices: int = 5000
    big_payments: int = 2000
    big_estimates: int = 200
    big_projects: int = 20
    big_time_entries: int = 5000
    small_time_entries: int = 10
    years: int = 3
    open_history: int = 5000  # per customer: invoices older than the newest this many are paid
    currency: str = "USD"
    password: str = ""
    seed: int = 2026


SIZES = (500, 5_000, 50_000)
"""The big customer's history sizes the benchmark compares (`seed-scale --size`)."""


def sized(spec: ScaleSpec, size: int) -> ScaleSpec:
    """`spec` with the big customer at `size` invoices and payments in the default proportion
    (2 payments for 5 invoices)."""
    if size not in SIZES:
        raise ValueError(f"Size {size} is not one of {', '.join(map(str, SIZES))}.")
    return replace(spec, big_invoices=size, big_payments=size * 2 // 5)


@dataclass
class ScaleResult:
    organisation: Organisation
    big_contact: Contact
    small_contact: Contact
    big_email: str
    small_email: str
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


Progress = Callable[[str, int], None]


def no_progress(label: str, advance: int) -> None:
    return None
