"""Query budgets: every portal page costs the same number of queries for a customer with a
short history as for one with a long one (DESIGN.md §8), and no more than the budget.

The pages come from `bench.pages` (the list `make bench` measures); a page whose URL name
does not exist yet is skipped.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from bench.pages import (
    INVOICES,
    PAGES,
    Page,
    QueryLog,
    logging_queries,
    objects_of,
    page_url,
    portal_url_params,
)
from portico.contacts.models import Contact, ContactPerson
from portico.devdata import scale

# bench.urls: the site's URLs with the portal's document pages mounted (until portal/urls.py
# includes them), the same pages `make bench` measures.
pytestmark = [pytest.mark.django_db, pytest.mark.urls("bench.urls")]

BUDGET = 10  # the ceiling; DESIGN.md §8 aims at 8 including session and user
PASSWORD = "query-budget-password"
HISTORY = scale.ScaleSpec(
    customers=3,
    invoices_per_customer=3,
    payments_per_customer=2,
    estimates_per_customer=2,
    big_invoices=40,
    big_payments=15,
    big_estimates=30,
    big_projects=2,
    big_time_entries=60,
    small_time_entries=3,
    password=PASSWORD,
)


def logged_in(person: ContactPerson) -> Client:
    client = Client()
    response = client.post(
        f"/portal/{person.organisation.slug}/login", {"email": person.email, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content[:300]
    return client


def queries_for(contact: Contact, page: Page) -> int | None:
    log = statements_for(contact, page)
    return None if log is None else len(log)


def statements_for(contact: Contact, page: Page) -> QueryLog | None:
    params = portal_url_params()
    url = page_url(
        page,
        org_slug=contact.organisation.slug,
        objects=objects_of(contact),
        params=params,
        today=timezone.localdate(),
    )
    if url is None:
        return None
    client = logged_in(ContactPerson.objects.get(contact=contact, is_primary=True))
    for _ in range(2):  # first view and session bookkeeping happen once, not per request
        client.get(url)
    log = QueryLog()
    with logging_queries(log):
        response = client.get(url)
    assert response.status_code in page.statuses, (page.label, response.status_code)
    return log


@pytest.mark.parametrize("page", PAGES, ids=[page.label for page in PAGES])
def test_a_page_costs_the_same_queries_for_a_long_and_a_short_history(page: Page) -> None:
    # given a customer with 40 invoices, 15 payments, 30 estimates and a customer with 3
    seeded = scale.seed_scale(slug="budgets", spec=HISTORY)
    if (
        page_url(
            page,
            org_slug="budgets",
            objects=objects_of(seeded.big_contact),
            params=portal_url_params(),
            today=timezone.localdate(),
        )
        is None
    ):
        pytest.skip(f"no portal page {page.names} yet")
    # when each opens the page
    long_history = queries_for(seeded.big_contact, page)
    short_history = queries_for(seeded.small_contact, page)
    # then the cost does not grow with the history
    assert long_history == short_history, f"{page.label}: {short_history} → {long_history}"
    assert long_history is not None and 0 < long_history <= BUDGET, f"{page.label}: {long_history}"


def test_the_invoice_list_reads_its_total_without_counting_the_history() -> None:
    # given a customer with 40 invoices and one with 3
    seeded = scale.seed_scale(slug="budgets", spec=HISTORY)
    # when each opens the invoice list
    long_log = statements_for(seeded.big_contact, INVOICES)
    short_log = statements_for(seeded.small_contact, INVOICES)
    assert long_log is not None and short_log is not None
    long_history = [sql for sql, _ in long_log.statements]
    short_history = [sql for sql, _ in short_log.statements]
    # then as many statements run, the total is read from the customer's kept counts with the
    # same statement for both, and no statement counts the customer's invoices
    assert len(long_history) == len(short_history)
    totals = [sql for sql in long_history if "sales_accountcount" in sql]
    assert len(totals) == 1 and totals[0] in short_history
    assert not [sql for sql in long_history if "COUNT(" in sql and "sales_invoice" in sql]
