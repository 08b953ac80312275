"""A business starts from an empty database: `portico setup`, the owner's first login, the
onboarding checklist followed step by step, a customer invited, an invoice typed with an item
(autofilled) and its tax (live totals), sent — and the dashboard showing it viewed and paid."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from PIL import Image
from playwright.sync_api import Page, expect

from portico.accounts.models import User
from portico.activity.models import ActivityLog
from portico.orgs.models import Organisation, Tax
from portico.sales.models import Invoice
from tests.e2e.self_service_support import admin_login, assert_no_csp_violations
from tests.e2e.test_checkout_journeys import type_card
from tests.e2e.test_send_journeys import button_link

pytestmark = pytest.mark.django_db(transaction=True)

OWNER = "owner@harbour-design.example"
OWNER_PASSWORD = "lighthouse-keeper-2031"
CUSTOMER = "ann@tidewater.example"
CUSTOMER_PASSWORD = "seagull-morning-4417"


def a_logo() -> dict[str, Any]:
    picture = io.BytesIO()
    Image.new("RGB", (240, 80), (16, 94, 120)).save(picture, format="PNG")
    return {"name": "harbour.png", "mimeType": "image/png", "buffer": picture.getvalue()}


def dashboard(page: Page) -> None:
    page.goto(page.url.split("/admin/")[0] + "/admin/")


def follow_step(page: Page, label: str) -> None:
    """Back to the dashboard, then the checklist's link for one step."""
    dashboard(page)
    page.get_by_test_id("onboarding").get_by_role("link", name=label).click()


def steps_done(page: Page, count: int) -> None:
    dashboard(page)
    checklist = page.get_by_test_id("onboarding")
    expect(checklist.get_by_text(f"{count} of 6 steps done")).to_be_visible()


def saved(page: Page, button: str = "_save") -> None:
    page.locator(f"[name={button}]").first.click()
    expect(page.locator(".errornote")).to_have_count(0)
    expect(page.get_by_text(re.compile("was (added|changed) successfully"))).to_be_visible()


def test_a_new_business_bills_and_is_paid_from_an_empty_database(
    page: Page,
    browser: Any,
    live_server: Any,
    settings: Any,
    screenshot: Any,
    csp_violations: list[str],
) -> None:
    settings.SITE_URL = live_server.url
    # given an empty database
    assert not Organisation.objects.exists() and not User.objects.exists()

    # when the owner runs `portico setup` from a script
    said = io.StringIO()
    call_command(
        "setup",
        "--name=Harbour Design",
        "--slug=harbour",
        "--currency=USD",
        "--country=US",
        "--time-zone=America/New_York",
        "--tax-name=Sales tax",
        "--tax-rate=8.25",
        f"--owner-email={OWNER}",
        "--owner-name=Olivia Owner",
        f"--password={OWNER_PASSWORD}",
        "--no-input",
        stdout=said,
    )
    assert "/portal/harbour/" in said.getvalue()

    # then the owner logs in and sees the checklist, the default tax already chosen
    page.set_viewport_size({"width": 1280, "height": 900})
    admin_login(page, live_server, OWNER, OWNER_PASSWORD)
    checklist = page.get_by_test_id("onboarding")
    expect(checklist.get_by_text("1 of 6 steps done")).to_be_visible()
    screenshot("first-run-checklist")

    # business details and logo
    follow_step(page, "Add your business details and logo")
    page.locator("[name=street]").fill("12 Pier Road")
    page.locator("[name=city]").fill("Portland")
    page.locator("[name=state]").fill("ME")
    page.locator("[name=postal_code]").fill("04101")
    page.locator("input[name=logo]").set_input_files(a_logo())
    saved(page)
    steps_done(page, 2)
    organisation = Organisation.objects.get(slug="harbour")
    logo = page.request.get(f"{live_server.url}{organisation.logo_url}")
    assert logo.ok and logo.headers["content-type"] == "image/png"

    # a payment gateway: a sandbox account, its keys made for it
    follow_step(page, "Connect a payment gateway")
    page.locator("[name=display_name]").fill("Cards (sandbox)")
    page.locator("select[name=kind]").select_option("sandbox")
    saved(page)
    steps_done(page, 3)

    # the portal's brand: a welcome banner
    follow_step(page, "Brand your customer portal")
    page.locator("[name=banner_text]").fill("Welcome to Harbour Design's customer portal.")
    saved(page)
    steps_done(page, 4)

    # a customer with one contact person, invited from the customer's overview
    follow_step(page, "Add a customer and invite them to the portal")
    page.locator("[name=display_name]").fill("Tidewater Books")
    page.locator("[name=email]").fill("accounts@tidewater.example")
    page.get_by_role("link", name=re.compile("Add another Contact person", re.I)).click()
    page.locator("[name='persons-0-first_name']").fill("Ann")
    page.locator("[name='persons-0-last_name']").fill("Archer")
    page.locator("[name='persons-0-email']").fill(CUSTOMER)
    page.locator("[name=_continue]").first.click()
    overview = page.get_by_test_id("customer-overview")
    expect(overview).to_be_visible()
    mail.outbox.clear()
    overview.get_by_role("button", name="Invite").click()
    expect(page.get_by_text(re.compile("invit", re.I)).first).to_be_visible()
    [invitation] = mail.outbox
    assert invitation.to == [CUSTOMER]
    steps_done(page, 5)

    # an item to bill
    page.goto(f"{live_server.url}/admin/orgs/item/add/")
    page.locator("[name=name]").fill("Logo design")
    page.locator("[name=description]").fill("Logo in three variants, with source files")
    page.locator("[name=rate]").fill("1200.00")
    sales_tax = Tax.objects.get(organisation__slug="harbour", is_default=True)
    page.locator("select[name=tax]").select_option(str(sales_tax.pk))
    saved(page)

    # the first invoice: the item fills its line, the totals follow as the owner types
    follow_step(page, "Send your first invoice")
    if "/add/" not in page.url:
        page.get_by_role("link", name=re.compile("Add invoice", re.I)).first.click()
    page.locator("select[name=contact]").select_option(label="Tidewater Books")
    page.locator("select[name='lines-0-item']").select_option(label="Logo design")
    expect(page.locator("[name='lines-0-description']")).to_have_value(
        "Logo in three variants, with source files"
    )
    expect(page.locator("[name='lines-0-rate']")).to_have_value(re.compile(r"^1200(\.0+)?$"))
    page.locator("[name='lines-0-quantity']").fill("2")
    totals = page.locator("#live-totals")
    expect(totals.locator("[data-total=subtotal]")).to_have_text("$2,400.00")
    expect(totals.locator("[data-total=tax]")).to_have_text("$198.00")
    expect(totals.locator("[data-total=total]")).to_have_text("$2,598.00")
    screenshot("first-run-invoice")
    saved(page, "_continue")
    invoice = Invoice.objects.get(organisation__slug="harbour")
    assert invoice.total == invoice.lines.get().amount + invoice.tax_total

    # sent from its page
    mail.outbox.clear()
    page.locator(f'a[href$="/invoice/{invoice.public_id}/send"]').first.click()
    expect(page.get_by_label(re.compile(CUSTOMER))).to_be_checked()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text(f"was sent to {CUSTOMER}")).to_be_visible()
    [sent] = [m for m in mail.outbox if m.to == [CUSTOMER]]

    # and every step of the checklist is done: it gives way to the figures
    dashboard(page)
    expect(page.get_by_test_id("onboarding")).to_have_count(0)

    # when the customer accepts the invitation, then opens the invoice's email and pays it
    customer = browser.new_context()
    ann = customer.new_page()
    found = re.search(r"(/portal/harbour/invitation/\S+)", invitation.body)
    assert found, invitation.body
    ann.goto(f"{live_server.url}{found.group(1)}")
    ann.get_by_label("New password", exact=True).fill(CUSTOMER_PASSWORD)
    ann.get_by_label("New password again").fill(CUSTOMER_PASSWORD)
    ann.get_by_role("button", name="Accept and log in").click()
    expect(ann.get_by_role("heading", name=re.compile("Hello"))).to_be_visible()
    ann.goto(button_link(sent))
    expect(ann).to_have_url(re.compile(rf"/invoices/{invoice.public_id}$"))
    ann.locator("#pay-now").click()
    type_card(ann, "4242 4242 4242 4242")
    ann.get_by_role("button", name="Pay", exact=True).click()
    expect(ann.locator("#outcome")).to_have_text("Thank you, your payment went through.")
    customer.close()

    # then the owner's dashboard shows the invoice viewed and paid, and the money received
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    page.reload()
    activity = page.get_by_test_id("activity")
    expect(activity.get_by_text(re.compile(rf"viewed .*{invoice.number}", re.I))).to_be_visible()
    expect(activity.get_by_text(re.compile(r"paid", re.I)).first).to_be_visible()
    expect(page.get_by_test_id("currency-USD")).to_contain_text("$2,598.00")
    assert ActivityLog.objects.filter(organisation__slug="harbour").exists()
    screenshot("first-run-dashboard-paid")
    assert_no_csp_violations(csp_violations)
