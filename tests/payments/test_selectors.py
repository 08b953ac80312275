from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from portico.contacts.models import Contact
from portico.payments import selectors
from tests.payments import factories as pay
from tests.sales import factories as make

pytestmark = pytest.mark.django_db


def test_a_customers_balance_nets_credit_against_what_is_owed(
    customer_a: Contact, customer_b: Contact, django_assert_num_queries: Any
) -> None:
    make.invoice(customer_a, "100.00")
    pay.payment(customer_a, "30.00")
    make.invoice(customer_b, "999.00")
    with django_assert_num_queries(1):
        balance = selectors.customer_balance(contact=customer_a)
    assert (balance.receivable, balance.unused_credit, balance.net) == (
        Decimal("100.00"),
        Decimal("30.00"),
        Decimal("70.00"),
    )
    assert selectors.unused_credit(contact=customer_a) == Decimal("30.00")
