"""The back office's home page in a browser: a business with history sees its figures per
currency, what waits for it and its customers' portal activity; a new one sees its checklist."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from portico.accounts.models import Membership
from portico.devdata import demo
from portico.orgs.models import Organisation
from portico.payments import services as payments
from tests.accounts.factories import MembershipFactory
from tests.contacts.factories import ContactFactory
from tests.e2e.self_service_support import admin_login, assert_no_csp_violations
from tests.orgs.factories import OrganisationFactory
from tests.sales import factories as make

pytestmark = pytest.mark.django_db(transaction=True)


def add_a_euro_customer(organisation: Organisation) -> None:
    """A second currency, so the page shows figures per currency side by side."""
    today = timezone.localdate()
    customer = ContactFactory(
        organisation=organisation, currency="EUR", display_name="Bäckerei Schmidt GmbH"
    )
    for rate, days_late in (("1200.00", 45), ("380.00", 10), ("640.00", -12)):
        make.invoice(
            customer,
            rate,
            issue_date=today - datetime.timedelta(days=days_late + 30),
            due_date=today - datetime.timedelta(days=days_late),
        )
    payments.payment_record(contact=customer, amount=Decimal("250.00"), date=today, mode="cash")


def test_a_business_with_history_sees_its_figures_per_currency(
    page: Page, live_server: Any, screenshot: Any, csp_violations: list[str]
) -> None:
    # given the demo business, with a second customer paying in euros
    context = demo.load(say=lambda _: None)
    organisation = Organisation.objects.get(slug=demo.DEMO_SLUG)
    add_a_euro_customer(organisation)
    del context

    # when the owner logs in
    page.set_viewport_size({"width": 1280, "height": 900})
    admin_login(page, live_server, demo.DEMO_OWNER_EMAIL, demo.DEMO_PASSWORD)

    # then the home page shows each currency apart, the base one first, each with its chart
    dashboard = page.get_by_test_id("dashboard")
    expect(dashboard).to_be_visible()
    sections = page.locator("section[data-testid^='currency-']")
    expect(sections.first).to_have_attribute("data-testid", "currency-USD")
    codes = [
        str(sections.nth(i).get_attribute("data-testid")).removeprefix("currency-")
        for i in range(sections.count())
    ]
    assert codes[0] == "USD" and "EUR" in codes and codes[1:] == sorted(codes[1:])
    expect(page.locator("canvas.chart")).to_have_count(len(codes))
    expect(page.get_by_test_id("activity")).to_be_visible()
    screenshot("backoffice-dashboard")
    assert_no_csp_violations(csp_violations)

    # and the euro overdue figure opens the invoice list filtered the same way
    euro = page.get_by_test_id("currency-EUR")
    overdue = euro.locator("a.dashboard-figure").nth(1)
    counted = int(overdue.locator(".dashboard-figure-count").inner_text().split()[0])
    assert counted >= 2
    overdue.click()
    expect(page).to_have_url(re.compile(r"receivables=overdue&currency=EUR"))
    expect(page.locator("#result_list tbody tr")).to_have_count(counted)


def test_the_dashboard_fits_a_phone(page: Page, live_server: Any, screenshot: Any) -> None:
    demo.load(say=lambda _: None)
    add_a_euro_customer(Organisation.objects.get(slug=demo.DEMO_SLUG))
    page.set_viewport_size({"width": 375, "height": 812})
    admin_login_phone(page, live_server)

    expect(page.get_by_test_id("dashboard")).to_be_visible()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
    screenshot("backoffice-dashboard-375")


def admin_login_phone(page: Page, live_server: Any) -> None:
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Email address").fill(demo.DEMO_OWNER_EMAIL)
    page.get_by_label("Password").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/admin/")


def test_a_new_business_sees_its_onboarding_checklist(
    page: Page, live_server: Any, password: str, screenshot: Any
) -> None:
    # given a brand-new organisation and its owner
    organisation = OrganisationFactory(name="Fresh Start Studio", slug="fresh-start")
    owner = MembershipFactory(
        organisation=organisation,
        role=Membership.Role.OWNER,
        user__email="owner@fresh-start.example",
    ).user

    # when the owner logs in for the first time
    page.set_viewport_size({"width": 1280, "height": 900})
    admin_login(page, live_server, owner.email, password)

    # then the checklist shows every step to do, each a link to its page
    checklist = page.get_by_test_id("onboarding")
    expect(checklist).to_be_visible()
    expect(checklist.get_by_text("0 of 6 steps done")).to_be_visible()
    expect(checklist.locator("li[data-done='no']")).to_have_count(6)
    screenshot("backoffice-dashboard-new")

    checklist.get_by_role("link", name="Choose a default tax").click()
    expect(page).to_have_url(f"{live_server.url}/admin/orgs/tax/")
