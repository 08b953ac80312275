"""The statement page a page of lines at a time: balances carried between pages, navigation,
and a query cost that does not grow with the history or the page asked for."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from portico.contacts.models import Contact
from portico.core import formats
from portico.core.templatetags.formats import money
from portico.orgs.models import Organisation
from portico.payments import services as payment_services
from portico.statements import selectors as statement_selectors
from tests.contacts.factories import ContactPersonFactory
from tests.portal.pages.conftest import logged_in, url
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db

D = datetime.date
FEBRUARY = "statement?period=custom&start=2026-02-01&end=2026-02-28"
PAGE_BUDGET = 10


@pytest.fixture(autouse=True)
def three_lines_a_page(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(statement_selectors, "LINES_PER_PAGE", 3)


def february(contact: Contact, invoices: int = 5) -> None:
    """1,000.00 owed before February, then `invoices` invoices and a payment in February."""
    sales.invoice(contact, "1000.00", issue_date=D(2026, 1, 5))
    for day in range(1, invoices + 1):
        invoice = sales.invoice(contact, "10.00", issue_date=D(2026, 2, day))
    payment_services.payment_record(
        contact=contact,
        date=D(2026, 2, 20),
        amount=Decimal("10.00"),
        mode="cash",
        allocations=[(invoice, Decimal("10.00"))],
    )


def cell(body: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}">([^<]*)<', body)
    return found.group(1) if found else ""


def test_the_second_page_opens_with_the_balance_the_first_carried_forward(
    portal_client: Client, org: Organisation, customer_a: Contact
) -> None:
    # given six lines in February, three a page
    february(customer_a)

    # when the person reads the first and the second page
    first = portal_client.get(url(org, FEBRUARY)).content.decode()
    second = portal_client.get(url(org, f"{FEBRUARY}&page=2")).content.decode()

    # then the first ends where the second starts, after three 10.00 invoices
    assert cell(first, "carried-forward") == cell(second, "brought-forward") == "$1,030.00"
    assert 'id="brought-forward"' not in first and "Opening balance" in first
    assert "Page 2 of 2" in second and 'id="carried-forward"' not in second
    # and both show the whole period's totals
    for body in (first, second):
        assert cell(body, "opening-balance") == "$1,000.00"
        assert cell(body, "closing-balance") == "$1,040.00"


def test_the_page_links_keep_the_period_and_say_where_the_person_is(
    portal_client: Client, org: Organisation, customer_a: Contact
) -> None:
    february(customer_a, invoices=8)  # nine lines: three pages

    body = portal_client.get(url(org, f"{FEBRUARY}&page=2")).content.decode()

    assert 'aria-label="Statement pages"' in body
    assert (
        '<li class="page-item active" aria-current="page"><span class="page-link">Page 2 of 3'
        in (body)
    )
    query = "?period=custom&amp;start=2026-02-01&amp;end=2026-02-28"
    for number in (1, 3):
        assert f'href="{query}&amp;page={number}"' in body
    assert "lines 4–6 of 9" in body
    # the go-to-page form sends the period again with the page number
    assert '<input type="hidden" name="start" value="2026-02-01">' in body
    assert 'name="page" min="1" max="3" value="2"' in body


def test_a_page_number_that_makes_no_sense_shows_the_first_or_the_last_page(
    portal_client: Client, org: Organisation, customer_a: Contact
) -> None:
    february(customer_a)

    nonsense = portal_client.get(url(org, f"{FEBRUARY}&page=abc"))
    too_far = portal_client.get(url(org, f"{FEBRUARY}&page=40"))

    assert nonsense.status_code == too_far.status_code == 200
    assert "Page 1 of 2" in nonsense.content.decode()
    assert "Page 2 of 2" in too_far.content.decode()


def test_a_short_statement_has_no_page_navigation(
    portal_client: Client, org: Organisation, customer_a: Contact
) -> None:
    sales.invoice(customer_a, "10.00", issue_date=D(2026, 2, 3))

    body = portal_client.get(url(org, FEBRUARY)).content.decode()

    assert "Statement pages" not in body and "Page 1 of" not in body


def test_every_page_costs_the_same_queries_as_a_short_statement(
    portal_client: Client, org: Organisation, customer_a: Contact, customer_b: Contact
) -> None:
    # given customer A with two lines and customer B with twenty-six (nine pages)
    february(customer_a, invoices=1)
    february(customer_b, invoices=25)
    long_client = logged_in(ContactPersonFactory(contact=customer_b), "a-long-pass-phrase-9")

    def count(client: Client, path: str) -> int:
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200
        return len(queries)

    # when each opens the first, a middle and the last page
    short = count(portal_client, url(org, FEBRUARY))
    long = [count(long_client, url(org, f"{FEBRUARY}&page={n}")) for n in (1, 5, 9)]

    # then every page costs what the short statement costs, within the budget
    assert long == [short] * 3
    assert short <= PAGE_BUDGET


@pytest.mark.parametrize("currency", ["USD", "EUR", "JPY", "GBP"])
def test_the_lines_print_money_as_the_money_filter_does(currency: str) -> None:
    with translation.override("en"):
        formatted = formats.money_formatter(currency, translation.get_language())
        for amount in ("0", "-1234.505", "1000000.1", "0.004"):
            assert formatted(Decimal(amount)) == money(Decimal(amount), currency)
