"""Shared by the portal pages' browser tests: a logged-in person, screenshots at phone width."""

from __future__ import annotations

from playwright.sync_api import Browser, Page

from portico.activity import invitations
from portico.contacts.models import ContactPerson
from tests.e2e.conftest import SCREENSHOTS


def log_in(page: Page, base: str, person: ContactPerson, password: str) -> None:
    invitations.portal_access_enable(person=person, password=password)
    page.goto(f"{base}/portal/{person.organisation.slug}/login")
    page.get_by_label("Email address").fill(person.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/portal/{person.organisation.slug}/")


def phone_screenshot(browser: Browser, page: Page, url: str, name: str) -> Page:
    """The same page at 375 px wide, logged in with the page's cookies."""
    context = browser.new_context(
        viewport={"width": 375, "height": 760}, storage_state=page.context.storage_state()
    )
    phone = context.new_page()
    phone.goto(url)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    return phone


def no_horizontal_scroll(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))
