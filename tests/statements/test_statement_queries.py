"""The statement page's queries: as many for a long history as for a short one (the budgets
test), and none that reads the customer's postings beyond the page shown."""

from __future__ import annotations

import pytest

from bench.pages import PAGES
from portico.devdata import scale
from tests.portal.test_query_budgets import HISTORY, statements_for

pytestmark = [pytest.mark.django_db, pytest.mark.urls("bench.urls")]


@pytest.mark.parametrize("label", ["Statement, last 12 months", "Statement, whole history"])
def test_the_statement_adds_up_days_and_reads_one_page_of_postings(label: str) -> None:
    # given a customer with 40 invoices and 15 payments, and one with 3 and 2
    seeded = scale.seed_scale(slug="statements", spec=HISTORY)
    page = next(p for p in PAGES if p.label == label)
    logs = [statements_for(c, page) for c in (seeded.big_contact, seeded.small_contact)]
    for log in logs:
        assert log is not None
        statements = [sql for sql, _ in log.statements]
        postings = [sql for sql in statements if '"payments_ledgerentry"' in sql]
        # then the sums read the ledger's days, the postings only a page of them
        assert any('"sales_ledgerday"' in sql for sql in statements)
        assert len(postings) == 1 and "LIMIT" in postings[0]
    # and both histories cost the same statements
    assert [len(log) for log in logs if log is not None] == [len(logs[1] or [])] * 2
