"""The demo gives Acme a saved card and autopay on its hosting, once however often it runs."""

from __future__ import annotations

import pytest

from portico.devdata.demo import DemoContext, steps
from portico.devdata.demo import checkout as checkout_demo
from portico.payments.autopay import default_method_of
from portico.payments.models import SavedMethod
from portico.sales.models import RecurringProfile

pytestmark = pytest.mark.django_db


def test_acme_pays_its_hosting_by_autopay_with_one_saved_card() -> None:
    said: list[str] = []
    context = DemoContext(say=said.append)
    for step in steps():
        step(context)
    checkout_demo.load(context)

    profile = RecurringProfile.objects.get(name="Website hosting")
    assert profile.autopay
    method = default_method_of(profile.contact)
    assert method is not None and method.last4 == "4242"
    assert SavedMethod.objects.filter(contact=profile.contact).count() == 1
    assert sum("autopay" in line for line in said) == 1
