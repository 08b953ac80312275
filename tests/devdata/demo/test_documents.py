"""The documents demo step: a report on Acme's invoice and a file with Acme's timesheet comment."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache

from portico.devdata import demo
from portico.devdata.demo import documents as documents_demo
from portico.documents.models import DocumentSend
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


def test_the_demo_sends_one_invoice_by_email_once(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        demo.load(lambda line: None)
        demo.load(lambda line: None)

    # (recurring profiles that send automatically email their invoices too)
    [record] = DocumentSend.objects.filter(key__startswith="demo:send:")
    assert record.kind == "invoice" and record.recipients
    sent = [m for m in mail.outbox if record.number in m.subject]
    assert len(sent) == len(record.addresses)
    assert "/portal/demo/" in sent[0].body and "/print" not in sent[0].body
