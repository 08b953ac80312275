"""The documents demo step: a report on Acme's invoice and a file with Acme's timesheet comment."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from portico.devdata import demo
from portico.devdata.demo import documents as documents_demo
from portico.sales.models import Attachment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # As every documents test starts (tests/documents/conftest.py), from an empty cache.
    cache.clear()


def test_the_demo_has_a_file_on_an_invoice_and_one_with_a_timesheet_comment_once() -> None:
    demo.load(lambda line: None)
    demo.load(lambda line: None)

    assert Attachment.objects.filter(name=documents_demo.REPORT_NAME).count() == 1
    expenses = Attachment.objects.get(name=documents_demo.EXPENSES_NAME)
    assert expenses.approval is not None and expenses.show_in_portal
    assert expenses.comment is not None and expenses.comment.by_customer
