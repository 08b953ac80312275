"""Estimates in a real browser: accept with a typed signature, decline, ask for changes."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from portico.activity.models import EstimateAcceptance, Notification
from portico.contacts.models import Contact, ContactPerson
from portico.sales import services as sales_services
from portico.sales.models import Estimate
from tests.e2e.portal_pages_support import (
    log_in,
    no_horizontal_scroll,
    phone_screenshot,
)
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db(transaction=True)


def sent_estimate(contact: Contact) -> Estimate:
    return sales_services.estimate_send(estimate=sales.estimate(contact, "1250.00"))


def open_estimate(page: Page, base: str, estimate: Estimate) -> None:
    page.goto(f"{base}/portal/studio-a/estimates?status=awaiting")
    page.get_by_role("link", name=estimate.number).click()
    expect(page.get_by_role("heading", name=re.compile(estimate.number))).to_be_visible()


def test_accepting_an_estimate_with_a_typed_signature(
    page: Page,
    browser: Browser,
    live_server: Any,
    customer_a: Contact,
    customer_a_person: ContactPerson,
    password: str,
    screenshot: Any,
    csp_violations: list[str],
) -> None:
    # given an estimate awaiting an answer
    estimate = sent_estimate(customer_a)
    log_in(page, live_server.url, customer_a_person, password)

    # when the person finds it in the list and opens it
    page.get_by_role("link", name="Estimates").first.click()
    expect(page.get_by_role("link", name=estimate.number)).to_be_visible()
    screenshot("portal-estimates-list")
    open_estimate(page, live_server.url, estimate)
    screenshot("portal-estimate-detail")
    phone = phone_screenshot(browser, page, page.url, "portal-estimate-detail-phone")
    assert no_horizontal_scroll(phone)

    # and signs with their name
    page.get_by_label("Type your full name to sign").fill("Ann Example")
    page.get_by_role("button", name="Accept and sign").click()

    # then the estimate is accepted, the signature shows, and the business is told once
    expect(page.get_by_text("You accepted the estimate")).to_be_visible()
    expect(page.locator("#signature")).to_contain_text("Ann Example")
    screenshot("portal-estimate-accepted")
    signature = EstimateAcceptance.objects.get(estimate=estimate)
    assert signature.ip_address == "127.0.0.1" and signature.total == estimate.total
    assert Notification.objects.filter(kind="estimate_accepted").count() == 1
    assert csp_violations == []


def test_declining_an_estimate_needs_a_reason(
    page: Page,
    live_server: Any,
    customer_a: Contact,
    customer_a_person: ContactPerson,
    password: str,
    screenshot: Any,
) -> None:
    estimate = sent_estimate(customer_a)
    log_in(page, live_server.url, customer_a_person, password)
    open_estimate(page, live_server.url, estimate)

    # when they open "Decline" and send it empty, the form asks for a reason
    page.locator("#decline summary").click()
    page.get_by_role("button", name="Decline estimate").click()
    expect(page.get_by_label("Why do you decline?")).to_be_visible()

    # and with a reason the estimate is declined
    page.get_by_label("Why do you decline?").fill("We went with a smaller scope.")
    page.get_by_role("button", name="Decline estimate").click()
    expect(page.get_by_text("You declined the estimate")).to_be_visible()
    expect(page.locator("#declined")).to_contain_text("smaller scope")
    screenshot("portal-estimate-declined")
    estimate.refresh_from_db()
    assert estimate.status == Estimate.Status.DECLINED


def test_requesting_changes_keeps_the_estimate_open(
    page: Page,
    live_server: Any,
    customer_a: Contact,
    customer_a_person: ContactPerson,
    password: str,
    screenshot: Any,
) -> None:
    estimate = sent_estimate(customer_a)
    log_in(page, live_server.url, customer_a_person, password)
    open_estimate(page, live_server.url, estimate)

    page.locator("#request-changes summary").click()
    page.get_by_label("What would you like changed?").fill("Please split the design phase.")
    page.get_by_role("button", name="Send request").click()

    expect(page.get_by_text("Your request was sent")).to_be_visible()
    expect(page.locator("#comments")).to_contain_text("Please split the design phase.")
    expect(page.get_by_role("button", name="Accept and sign")).to_be_visible()
    screenshot("portal-estimate-changes-requested")
    assert Notification.objects.filter(kind="estimate_changes").count() == 1
