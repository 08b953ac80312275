"""The back office in a real browser: an invoice typed with an item that fills its line and
totals that follow; the customer's overview and a read-only portal preview; a declined estimate
revised, sent again, and accepted by the customer."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from portico.accounts.models import User
from portico.activity.models import Comment
from portico.contacts.models import ContactPerson
from portico.orgs.models import Item, Organisation, Tax
from portico.sales import services
from portico.sales.models import Estimate, EstimateRevision, Invoice
from tests.e2e.portal_pages_support import log_in
from tests.sales import factories as make

pytestmark = pytest.mark.django_db(transaction=True)


def staff_log_in(page: Page, base: str, user: User, password: str) -> None:
    page.goto(f"{base}/admin/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Customers").first).to_be_visible()


def run_action(page: Page, base: str, estimate: Estimate, action: str) -> None:
    page.goto(f"{base}/admin/sales/estimate/")
    page.locator(f"input[name=_selected_action][value='{estimate.pk}']").check()
    page.locator("select[name=action]").select_option(action)
    page.locator("button[name=index]").first.click()


def test_an_invoice_typed_with_an_item_fills_its_line_and_shows_live_totals(
    page: Page,
    live_server: Any,
    owner: User,
    password: str,
    org: Organisation,
    customer_a_person: ContactPerson,
    screenshot: Any,
    csp_violations: list[str],
) -> None:
    # given an item with a 10% tax
    vat = Tax.objects.get(organisation=org)
    item = Item.objects.create(
        organisation=org,
        name="Website audit",
        description="Audit of 20 pages",
        rate="470.71",
        tax=vat,
    )
    staff_log_in(page, live_server.url, owner, password)

    # when the owner starts an invoice for customer A and picks the item
    page.goto(f"{live_server.url}/admin/sales/invoice/add/")
    page.locator("select[name=contact]").select_option(str(customer_a_person.contact_id))
    page.locator("input[name=issue_date]").fill("2026-12-01")
    page.locator("select[name='lines-0-item']").select_option(str(item.pk))

    # then the line is filled, still editable, and the totals follow the quantity typed
    expect(page.locator("[name='lines-0-description']")).to_have_value("Audit of 20 pages")
    expect(page.locator("[name='lines-0-rate']")).to_have_value("470.71")
    expect(page.locator("select[name='lines-0-tax']")).to_have_value(str(vat.pk))
    page.locator("[name='lines-0-quantity']").fill("3")
    totals = page.locator("#live-totals")
    expect(totals.locator("[data-total=subtotal]")).to_have_text("$1,412.13")
    expect(totals.locator("[data-total=tax]")).to_have_text("$141.21")
    expect(totals.locator("[data-total=total]")).to_have_text("$1,553.34")
    page.locator("#live-totals").scroll_into_view_if_needed()
    screenshot("backoffice-invoice-live-totals")

    # and saving stores what the page showed
    page.locator("[name=_save]").first.click()
    page.wait_for_url(f"{live_server.url}/admin/sales/invoice/")
    invoice = Invoice.objects.get(contact=customer_a_person.contact)
    assert invoice.total == Decimal("1553.34") and invoice.tax_total == Decimal("141.21")
    page.goto(f"{live_server.url}/admin/sales/invoice/")
    expect(page.get_by_text("$1,553.34").first).to_be_visible()
    assert csp_violations == []


def test_the_customer_overview_and_a_read_only_preview_of_their_portal(
    page: Page,
    live_server: Any,
    owner: User,
    password: str,
    customer_a_person: ContactPerson,
    screenshot: Any,
) -> None:
    # given a customer with an active portal person, a sent estimate and a question on it
    customer = customer_a_person.contact
    log_in(page, live_server.url, customer_a_person, password)
    page.context.clear_cookies()
    estimate = services.estimate_send(estimate=make.estimate(customer, "1200.00"))
    make.invoice(customer, "350.00", due_date=make.DAY)
    Comment.objects.create(
        organisation=customer.organisation,
        contact=customer,
        estimate=estimate,
        author_person=customer_a_person,
        body="Could the work start in May?",
        show_in_portal=True,
    )
    staff_log_in(page, live_server.url, owner, password)

    # when the owner opens the customer
    page.goto(f"{live_server.url}/admin/contacts/contact/{customer.pk}/change/")
    overview = page.get_by_test_id("customer-overview")
    expect(overview.locator("[data-figure=outstanding]")).to_have_text("$350.00")
    expect(overview.locator("[data-figure=overdue]")).to_have_text("$350.00")
    expect(overview).to_contain_text("Could the work start in May?")
    screenshot("backoffice-customer-overview")

    # and replies on the estimate's own page
    page.goto(f"{live_server.url}/admin/sales/estimate/{estimate.pk}/change/")
    page.locator("#id_thread_body").fill("Yes, May works for us.")
    page.get_by_role("button", name="Post").click()
    expect(page.get_by_test_id("thread")).to_contain_text("Yes, May works for us.")
    page.get_by_test_id("thread").scroll_into_view_if_needed()
    screenshot("backoffice-estimate-thread")

    # and views the portal as the customer
    page.goto(f"{live_server.url}/admin/contacts/contact/{customer.pk}/change/")
    page.get_by_role("button", name="View portal as this customer").click()
    expect(page.get_by_test_id("staff-preview")).to_be_visible()
    screenshot("portal-staff-preview")
    page.goto(
        f"{live_server.url}/portal/{customer.organisation.slug}/estimates/{estimate.public_id}"
    )
    expect(page.get_by_text("Yes, May works for us.")).to_be_visible()

    # then nothing the preview does reaches the books
    page.get_by_label("Type your full name to sign").fill("Staff member")
    page.get_by_role("button", name="Accept and sign").click()
    expect(page.get_by_text("This is a staff preview")).to_be_visible()
    estimate.refresh_from_db()
    assert estimate.status == Estimate.Status.SENT and estimate.first_viewed_at is None


def test_a_declined_estimate_is_revised_sent_again_and_accepted(
    page: Page,
    live_server: Any,
    owner: User,
    password: str,
    customer_a_person: ContactPerson,
    screenshot: Any,
) -> None:
    customer = customer_a_person.contact
    slug = customer.organisation.slug
    estimate = services.estimate_send(estimate=make.estimate(customer, "900.00"))
    estimate_url = f"{live_server.url}/portal/{slug}/estimates/{estimate.public_id}"

    # given the customer declines it in the portal
    log_in(page, live_server.url, customer_a_person, password)
    page.goto(estimate_url)
    page.locator("#decline summary").click()
    page.get_by_label("Why do you decline?").fill("Over our budget of 700.")
    page.get_by_role("button", name="Decline estimate").click()
    expect(page.locator("#declined")).to_contain_text("Over our budget")
    page.context.clear_cookies()

    # when staff revise it, lower the rate and send it again
    staff_log_in(page, live_server.url, owner, password)
    run_action(page, live_server.url, estimate, "revise")
    page.goto(f"{live_server.url}/admin/sales/estimate/{estimate.pk}/change/")
    expect(page.get_by_text("Over our budget of 700.")).to_be_visible()
    page.locator("[name='lines-0-rate']").fill("700")
    expect(page.locator("#live-totals [data-total=total]")).to_have_text("$700.00")
    screenshot("backoffice-estimate-revision")
    page.locator("[name=_save]").first.click()
    run_action(page, live_server.url, estimate, "send")
    expect(page.get_by_text("Sent: 1")).to_be_visible()
    page.context.clear_cookies()

    # then the customer sees the new revision, its history, and accepts it
    page.goto(f"{live_server.url}/portal/{slug}/login")
    page.get_by_label("Email address").fill(customer_a_person.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.goto(estimate_url)
    expect(page.locator("#revisions")).to_contain_text("Revision 1")
    page.locator("#revisions summary").first.click()
    expect(page.locator("#revisions")).to_contain_text("Over our budget of 700.")
    screenshot("portal-estimate-revisions")
    page.get_by_label("Type your full name to sign").fill("Ann Example")
    page.get_by_role("button", name="Accept and sign").click()
    expect(page.get_by_text("You accepted the estimate")).to_be_visible()
    estimate.refresh_from_db()
    assert estimate.status == Estimate.Status.ACCEPTED and estimate.total == Decimal("700.00")
    assert EstimateRevision.objects.get(estimate=estimate).total == Decimal("900.00")
