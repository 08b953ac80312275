from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from portico.contacts.models import Contact
from portico.sales.models import Invoice
from tests.sales import factories as make

pytestmark = pytest.mark.django_db


def test_ledger_check_passes_when_the_books_agree(customer_a: Contact) -> None:
    make.invoice(customer_a)
    out = StringIO()
    call_command("ledger", "check", stdout=out)
    assert "agrees" in out.getvalue()


def test_ledger_check_fails_and_names_the_customer(customer_a: Contact) -> None:
    invoice = make.invoice(customer_a)
    Invoice.objects.filter(pk=invoice.pk).update(balance_due=Decimal(1))
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("ledger", "check", stderr=err)
    assert "Customer A" in err.getvalue()
