"""Editing my details and the company details, with changes applied at once and reviewed."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from portico.accounts.models import User
from portico.contacts.models import Contact, ContactPerson, DetailsChangeItem
from tests.e2e.self_service_support import (
    account_url,
    activate,
    admin_login,
    assert_no_csp_violations,
    portal_login,
)
from tests.portal.self_service.factories import SelfServiceSettingsFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_person_edits_their_details(
    page: Page,
    live_server: Any,
    customer_a_person: ContactPerson,
    password: str,
    screenshot: Any,
    csp_violations: list[str],
) -> None:
    # given a logged-in portal person on "My details"
    person = activate(customer_a_person, password)
    portal_login(page, live_server, person, password)
    page.goto(account_url(live_server, person, "details"))
    expect(page.get_by_role("heading", name="Account")).to_be_visible()
    screenshot("portal-my-details")

    # when they change their name and phone
    page.get_by_label("First name").fill("Annika")
    page.get_by_label("Phone", exact=True).fill("+49 30 1234567")
    page.get_by_label("Job title").fill("Head of purchasing")
    page.get_by_role("button", name="Save my details").click()

    # then the page confirms and the data is saved
    expect(page.get_by_text("Your details were saved.")).to_be_visible()
    saved = ContactPerson.objects.get(pk=person.pk)
    assert (saved.first_name, saved.phone) == ("Annika", "+49 30 1234567")

    # and a bad phone number is a field error
    page.get_by_label("Mobile").fill("ring me")
    page.get_by_role("button", name="Save my details").click()
    expect(page.get_by_text("Use digits, spaces and + ( ) - . / only.")).to_be_visible()
    screenshot("portal-my-details-error")

    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(account_url(live_server, person, "details"))
    screenshot("portal-my-details-375")
    assert_no_csp_violations(csp_violations)


def test_company_details_apply_at_once(
    page: Page,
    live_server: Any,
    customer_a_person: ContactPerson,
    password: str,
    screenshot: Any,
    csp_violations: list[str],
) -> None:
    person = activate(customer_a_person, password)
    portal_login(page, live_server, person, password)
    page.goto(account_url(live_server, person, "company"))

    page.get_by_label("Tax/VAT number").fill("DE811907980")
    page.locator("#id_shipping_city").fill("Hamburg")
    page.locator("#id_shipping_country").select_option("DE")
    screenshot("portal-company-details")
    page.get_by_role("button", name="Save company details").click()

    expect(page.get_by_text("Your company details were saved.")).to_be_visible()
    contact = Contact.objects.get(pk=person.contact_id)
    assert (contact.tax_number, contact.shipping_city, contact.shipping_country.code) == (
        "DE811907980",
        "Hamburg",
        "DE",
    )
    expect(page.get_by_role("heading", name="Contact persons")).to_be_visible()
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(account_url(live_server, person, "company"))
    screenshot("portal-company-details-375")
    assert_no_csp_violations(csp_violations)


def test_company_details_wait_for_review_and_staff_approve_them(
    page: Page,
    live_server: Any,
    customer_a_person: ContactPerson,
    owner: User,
    password: str,
    screenshot: Any,
    csp_violations: list[str],
) -> None:
    # given an organisation that reviews company details changes
    SelfServiceSettingsFactory(organisation=customer_a_person.organisation)
    person = activate(customer_a_person, password)
    portal_login(page, live_server, person, password)
    page.goto(account_url(live_server, person, "company"))

    # when the person changes the website and the phone
    page.get_by_label("Website").fill("https://customer-a.example")
    page.locator("#id_phone").fill("+1 212 555 0100")
    page.get_by_role("button", name="Send for review").click()

    # then nothing applies yet and the page lists what waits
    expect(page.get_by_text("will review your changes")).to_be_visible()
    expect(page.get_by_text("Waiting for Studio A to review")).to_be_visible()
    screenshot("portal-company-details-pending")
    assert Contact.objects.get(pk=person.contact_id).website == ""

    # when staff approve the website and reject the phone in the back office
    admin_login(page, live_server, owner.email, password)
    page.goto(f"{live_server.url}/admin/contacts/detailschangeitem/")
    screenshot("backoffice-details-review-queue")
    website = DetailsChangeItem.objects.get(field="website")
    phone = DetailsChangeItem.objects.get(field="phone")
    page.locator(f"input[name=_selected_action][value='{website.pk}']").check()
    page.locator("select[name=action]").select_option("approve")
    page.locator("button[name=index], button[type=submit]").filter(has_text="Run").first.click()
    expect(page.get_by_text("1 change approved.")).to_be_visible()
    page.locator(f"input[name=_selected_action][value='{phone.pk}']").check()
    page.locator("select[name=action]").select_option("reject")
    page.locator("button[name=index], button[type=submit]").filter(has_text="Run").first.click()
    expect(page.get_by_text("1 change rejected.")).to_be_visible()

    # then only the approved field changed
    contact = Contact.objects.get(pk=person.contact_id)
    assert (contact.website, contact.phone) == ("https://customer-a.example", "")
    assert_no_csp_violations(csp_violations)
