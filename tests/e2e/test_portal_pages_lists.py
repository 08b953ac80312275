"""Lists in a real browser: htmx swaps the table on filter and sort, the URL follows, and the
other sections render at phone width."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from portico.contacts.models import Contact, ContactPerson
from portico.payments import services as payment_services
from portico.sales import services as sales_services
from tests.e2e.portal_pages_support import (
    log_in,
    no_horizontal_scroll,
    phone_screenshot,
)
from tests.projects.factories import ProjectFactory, TimeEntryFactory
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db(transaction=True)


def test_sorting_and_filtering_swap_the_list_in_place(
    page: Page,
    live_server: Any,
    customer_a: Contact,
    customer_a_person: ContactPerson,
    password: str,
    csp_violations: list[str],
) -> None:
    # given three invoices, one of them paid
    small, big, paid = (sales.invoice(customer_a, rate) for rate in ("20.00", "900.00", "60.00"))
    payment_services.payment_record(
        contact=customer_a,
        date=sales.DAY,
        amount=Decimal("60.00"),
        mode="cash",
        allocations=[(paid, Decimal("60.00"))],
    )
    log_in(page, live_server.url, customer_a_person, password)
    page.goto(f"{live_server.url}/portal/studio-a/invoices")
    page.evaluate("window.__sameDocument = true")

    # when the person sorts by amount
    page.get_by_label("Sort").select_option("-amount")

    # then the biggest comes first, the URL is bookmarkable, and the page was not reloaded
    expect(page.locator("#invoice-list tbody tr").first).to_contain_text(big.number)
    expect(page).to_have_url(re.compile(r"/portal/studio-a/invoices\?.*sort=-amount"))
    assert page.evaluate("window.__sameDocument") is True

    # when they keep only outstanding invoices
    page.get_by_role("link", name="Outstanding").click()
    expect(page.locator("#invoice-list")).not_to_contain_text(paid.number)
    expect(page.locator("#invoice-list")).to_contain_text(small.number)
    assert "status=outstanding" in page.url and "sort=-amount" in page.url
    assert page.evaluate("window.__sameDocument") is True

    # and the bookmarked URL gives the same list on a fresh load
    page.reload()
    expect(page.locator("#invoice-list tbody tr").first).to_contain_text(big.number)
    expect(page.locator("#invoice-list")).not_to_contain_text(paid.number)
    assert csp_violations == []


def test_the_other_sections_at_phone_width(
    page: Page,
    browser: Browser,
    live_server: Any,
    customer_a: Contact,
    customer_a_person: ContactPerson,
    password: str,
    screenshot: Any,
) -> None:
    invoice = sales.invoice(customer_a, "250.00")
    payment = payment_services.payment_record(
        contact=customer_a,
        date=datetime.date(2026, 3, 2),
        amount=Decimal("300.00"),
        mode="bank_transfer",
        reference="WIRE 20260302",
        allocations=[(invoice, Decimal("250.00"))],
    )
    order = sales_services.sales_order_confirm(sales_order=sales.sales_order(customer_a))
    project = ProjectFactory(contact=customer_a, name="Brand refresh", budget_hours=Decimal(20))
    TimeEntryFactory(project=project, task="Logo sketches", hours=Decimal("6.5"))
    log_in(page, live_server.url, customer_a_person, password)
    base = f"{live_server.url}/portal/studio-a"

    for name, path in [
        ("portal-payments-list", "/payments"),
        ("portal-payment-receipt", f"/payments/{payment.public_id}"),
        ("portal-sales-order", f"/sales-orders/{order.public_id}"),
        ("portal-projects-list", "/projects"),
        ("portal-project-detail", f"/projects/{project.public_id}"),
    ]:
        page.goto(base + path)
        screenshot(name)
        phone = phone_screenshot(browser, page, base + path, f"{name}-phone")
        assert no_horizontal_scroll(phone), name
        phone.context.close()

    page.goto(f"{base}/payments/{payment.public_id}")
    expect(page.locator("#payment-amount")).to_have_text("$300.00")
    expect(page.get_by_text("$50.00 became credit")).to_be_visible()
