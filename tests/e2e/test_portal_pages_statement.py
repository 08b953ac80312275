"""The statement of accounts in a real browser, for a custom period; and the dashboard."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from portico.contacts.models import Contact, ContactPerson
from portico.payments import services as payment_services
from portico.statements import selectors as statement_selectors
from tests.e2e.portal_pages_support import (
    log_in,
    no_horizontal_scroll,
    phone_screenshot,
)
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_statement_for_a_custom_period(
    page: Page,
    browser: Browser,
    live_server: Any,
    customer_a: Contact,
    customer_a_person: ContactPerson,
    password: str,
    screenshot: Any,
    csp_violations: list[str],
) -> None:
    # given an invoice in January, another in February and a payment in February
    sales.invoice(customer_a, "200.00", issue_date=datetime.date(2026, 1, 12))
    february = sales.invoice(customer_a, "80.00", issue_date=datetime.date(2026, 2, 3))
    payment_services.payment_record(
        contact=customer_a,
        date=datetime.date(2026, 2, 20),
        amount=Decimal("80.00"),
        mode="bank_transfer",
        allocations=[(february, Decimal("80.00"))],
    )
    log_in(page, live_server.url, customer_a_person, password)
    screenshot("portal-home-dashboard")
    phone = phone_screenshot(browser, page, page.url, "portal-home-dashboard-phone")
    assert no_horizontal_scroll(phone)

    # when the person asks for February
    page.get_by_role("link", name="Statement").first.click()
    page.get_by_label("Period", exact=True).select_option("custom")
    page.get_by_label("From", exact=True).fill("2026-02-01")
    page.get_by_label("To", exact=True).fill("2026-02-28")
    page.get_by_role("button", name="Show").click()

    # then January is the opening balance and February's lines lead to the closing balance
    expect(page.locator("#opening-balance")).to_have_text("$200.00")
    expect(page.locator("#closing-balance")).to_have_text("$200.00")
    expect(page.get_by_role("cell", name=february.number, exact=False).first).to_be_visible()
    screenshot("portal-statement")
    phone = phone_screenshot(browser, page, page.url, "portal-statement-phone")
    assert no_horizontal_scroll(phone)
    assert "start=2026-02-01" in page.url
    assert csp_violations == []


def test_a_long_statement_a_page_at_a_time_from_the_keyboard(
    page: Page,
    browser: Browser,
    live_server: Any,
    customer_a: Contact,
    customer_a_person: ContactPerson,
    password: str,
    screenshot: Any,
    csp_violations: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given twelve invoices in February, shown five lines a page
    monkeypatch.setattr(statement_selectors, "LINES_PER_PAGE", 5)
    sales.invoice(customer_a, "500.00", issue_date=datetime.date(2026, 1, 12))
    for day in range(1, 13):
        sales.invoice(customer_a, "10.00", issue_date=datetime.date(2026, 2, day))
    log_in(page, live_server.url, customer_a_person, password)
    page.goto(
        f"{live_server.url}/portal/{customer_a.organisation.slug}/statement"
        "?period=custom&start=2026-02-01&end=2026-02-28"
    )
    pages = page.get_by_role("navigation", name="Statement pages")
    expect(pages).to_contain_text("Page 1 of 3")

    # when the person moves to the next page with the keyboard
    pages.get_by_role("link", name="Next").focus()
    page.keyboard.press("Enter")

    # then the second page opens with what the first carried forward
    expect(pages).to_contain_text("Page 2 of 3")
    expect(page.locator("#brought-forward")).to_have_text("$550.00")
    expect(page.locator("#carried-forward")).to_have_text("$600.00")
    expect(page.locator("#closing-balance")).to_have_text("$620.00")
    screenshot("portal-statement-paged")
    phone = phone_screenshot(browser, page, page.url, "portal-statement-paged-phone")
    assert no_horizontal_scroll(phone)

    # and typing a page number goes straight there
    page.get_by_label("Go to page").fill("3")
    page.get_by_label("Go to page").press("Enter")
    expect(pages).to_contain_text("Page 3 of 3")
    expect(page.locator("#brought-forward")).to_have_text("$600.00")
    assert "start=2026-02-01" in page.url and "page=3" in page.url
    assert csp_violations == []
