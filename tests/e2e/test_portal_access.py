"""Portal access in a real browser: invitation → accept → home → log out → log in, and
sessions ending in one browser when the person is disabled or changes the password in another."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect

from portico.activity import invitations
from portico.contacts.models import ContactPerson

pytestmark = pytest.mark.django_db(transaction=True)
NEW_PASSWORD = "harbour-lights-2031"


def invitation_path() -> str:
    found = re.search(r"(/portal/\S+/invitation/\S+)", mail.outbox[-1].body)
    assert found
    return found.group(1)


def log_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/portal/studio-a/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_invitation_accept_login_logout_journey(
    page: Page,
    live_server: Any,
    customer_a_person: ContactPerson,
    screenshot: Any,
    csp_violations: list[str],
) -> None:
    # given staff enabled the portal and the invitation is in the outbox
    invitations.portal_access_enable(person=customer_a_person)
    assert mail.outbox[-1].to == [customer_a_person.email]

    # when the person opens the link and chooses a password
    page.goto(f"{live_server.url}{invitation_path()}")
    expect(page.get_by_role("heading", name=re.compile("Welcome"))).to_be_visible()
    screenshot("portal-invitation-accept")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Accept and log in").click()

    # then they land on the portal home, logged in
    expect(page.get_by_role("heading", name=re.compile("Hello"))).to_be_visible()
    expect(page.get_by_role("link", name="Invoices")).to_be_visible()
    screenshot("portal-home")

    # when they log out, they see the branded login page
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You have logged out.")).to_be_visible()
    screenshot("portal-login")

    # and they can log in again with the new password, in another letter case
    log_in(page, live_server.url, customer_a_person.email.upper(), NEW_PASSWORD)
    expect(page.get_by_role("heading", name=re.compile("Hello"))).to_be_visible()
    page.get_by_role("link", name="Account").click()
    expect(page.get_by_role("heading", name="Where you're logged in")).to_be_visible()
    screenshot("portal-account")
    assert csp_violations == []


def test_the_portal_works_on_a_phone(
    browser: Browser, live_server: Any, customer_a_person: ContactPerson, password: str
) -> None:
    invitations.portal_access_enable(person=customer_a_person, password=password)
    context = browser.new_context(viewport={"width": 375, "height": 740})
    phone = context.new_page()

    log_in(phone, live_server.url, customer_a_person.email, password)
    expect(phone.get_by_role("heading", name=re.compile("Hello"))).to_be_visible()
    phone.screenshot(path="docs/screenshots/portal-home-phone.png", full_page=True)
    phone.get_by_role("button", name="Open the menu").click()
    expect(phone.get_by_role("link", name="Statement")).to_be_visible()
    phone.wait_for_timeout(500)  # let the menu finish sliding in
    phone.screenshot(path="docs/screenshots/portal-menu-phone.png")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()


def two_browsers(browser: Browser, base: str, person: ContactPerson, password: str) -> list[Page]:
    pages = []
    for _ in range(2):
        page = browser.new_context().new_page()
        log_in(page, base, person.email, password)
        expect(page.get_by_role("heading", name=re.compile("Hello"))).to_be_visible()
        pages.append(page)
    return pages


def test_disabling_a_person_logs_out_every_browser(
    browser: Browser, live_server: Any, customer_a_person: ContactPerson, password: str
) -> None:
    invitations.portal_access_enable(person=customer_a_person, password=password)
    first, second = two_browsers(browser, live_server.url, customer_a_person, password)

    invitations.portal_access_disable(person=customer_a_person)

    for page in (first, second):
        page.reload()
        expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    log_in(first, live_server.url, customer_a_person.email, password)
    expect(first.get_by_role("heading", name="Your portal access is switched off")).to_be_visible()


def test_changing_the_password_logs_out_the_other_browser(
    browser: Browser,
    live_server: Any,
    customer_a_person: ContactPerson,
    password: str,
    screenshot: Any,
) -> None:
    invitations.portal_access_enable(person=customer_a_person, password=password)
    first, second = two_browsers(browser, live_server.url, customer_a_person, password)

    # when the first browser changes the password
    first.goto(f"{live_server.url}/portal/studio-a/account")
    first.get_by_label("Current password").fill(password)
    first.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    first.get_by_label("New password again").fill(NEW_PASSWORD)
    first.get_by_role("button", name="Change password").click()

    # then it stays in, and the second is logged out at its next request
    expect(first.get_by_text("Your password was changed.")).to_be_visible()
    second.reload()
    expect(second.get_by_role("heading", name="Log in")).to_be_visible()
    first.reload()
    expect(first.get_by_role("heading", name="Account", exact=True)).to_be_visible()
