"""How much `portico seed-scale` generates, and what it answers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

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
    currency: str = "USD"
    password: str = ""
    seed: int = 2026


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
