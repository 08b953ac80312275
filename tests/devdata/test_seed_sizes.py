"""`portico seed-scale --size`: the big customer's history at the sizes the benchmark compares."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from portico.contacts.models import Contact
from portico.devdata import scale
from portico.sales.models import Invoice


@pytest.mark.parametrize("size", scale.SIZES)
def test_a_size_sets_the_big_customers_invoices_and_payments_in_proportion(size: int) -> None:
    spec = scale.sized(scale.ScaleSpec(customers=3), size)
    assert (spec.big_invoices, spec.big_payments, spec.customers) == (size, size * 2 // 5, 3)


def test_another_size_is_refused() -> None:
    with pytest.raises(ValueError, match="500, 5000, 50000"):
        scale.sized(scale.ScaleSpec(), 1234)


@pytest.mark.django_db
def test_the_command_seeds_the_size_asked_for() -> None:
    call_command(
        "seed-scale",
        "--org=sized",
        "--size=500",
        "--customers=2",
        "--invoices-per-customer=1",
        "--payments-per-customer=1",
        "--estimates-per-customer=0",
        "--big-estimates=0",
        "--big-projects=0",
        "--big-time-entries=0",
        "--small-time-entries=0",
        "--no-progress",
        verbosity=0,
    )
    big = Contact.objects.get(organisation__slug="sized", display_name__startswith="Bigcorp")
    assert Invoice.objects.filter(contact=big).count() == 500
