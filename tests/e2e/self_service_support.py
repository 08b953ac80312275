"""Shared steps for the self-service browser tests: an active portal person, logging in."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from portico.activity import invitations
from portico.contacts.models import ContactPerson

PAYLOAD = '<script>alert("xss")</script><img src=x onerror=alert(1)>'


def activate(person: ContactPerson, password: str) -> ContactPerson:
    return invitations.portal_access_enable(person=person, password=password)


def no_outside_images(page: Page) -> None:
    """Gravatar is unreachable here: the initials must carry the page on their own."""
    page.route("https://www.gravatar.com/**", lambda route: route.abort())


def portal_login(page: Page, live_server: Any, person: ContactPerson, password: str) -> None:
    no_outside_images(page)
    page.goto(f"{live_server.url}/portal/{person.organisation.slug}/login")
    page.get_by_label("Email address").fill(person.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_attached()


def assert_no_csp_violations(csp_violations: list[str]) -> None:
    """No Content-Security-Policy violation on our pages, nor on the shell around them."""
    assert csp_violations == []


def admin_login(page: Page, live_server: Any, email: str, password: str) -> None:
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Customers").first).to_be_visible()


def account_url(live_server: Any, person: ContactPerson, name: str) -> str:
    return f"{live_server.url}/portal/{person.organisation.slug}/account/{name}"
