"""Changing the login email: confirmation link read from the outbox, then logging in with it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from portico.contacts.models import ContactPerson
from tests.e2e.self_service_support import (
    account_url,
    activate,
    assert_no_csp_violations,
    portal_login,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_new_login_email_takes_effect_only_when_confirmed(
    page: Page,
    live_server: Any,
    customer_a_person: ContactPerson,
    password: str,
    screenshot: Any,
    csp_violations: list[str],
) -> None:
    person = activate(customer_a_person, password)
    old_email = person.email
    portal_login(page, live_server, person, password)
    page.goto(account_url(live_server, person, "details"))

    # when the person asks for a new address, with a wrong password first
    page.get_by_label("New email address").fill("ann.new@customer-a.example")
    page.get_by_label("Current password").fill("not my password")
    page.get_by_role("button", name="Change my email").click()
    expect(page.get_by_text("Your current password is not right.")).to_be_visible()
    page.get_by_label("New email address").fill("ann.new@customer-a.example")
    page.get_by_label("Current password").fill(password)
    page.get_by_role("button", name="Change my email").click()

    # then a link goes to the new address, a notice to the old, and nothing changed yet
    expect(page.get_by_text("We sent a confirmation link")).to_be_visible()
    expect(
        page.get_by_text("Waiting for you to confirm ann.new@customer-a.example")
    ).to_be_visible()
    screenshot("portal-email-change-pending")
    confirm = next(m for m in mail.outbox if m.to == ["ann.new@customer-a.example"])
    assert any(m.to == [old_email] for m in mail.outbox)
    assert ContactPerson.objects.get(pk=person.pk).email == old_email

    # when the link is opened and confirmed (in a fresh browser, logged out)
    link = re.search(r"https?://\S+/account/email/confirm/\S+", confirm.body)
    assert link
    path = "/portal/" + link.group(0).split("/portal/", 1)[1]
    page.context.clear_cookies()
    page.goto(f"{live_server.url}{path}")
    screenshot("portal-email-change-confirm")
    page.get_by_role("button", name="Confirm my new email").click()
    expect(
        page.get_by_text("From now on you log in with ann.new@customer-a.example")
    ).to_be_visible()

    # then the new address logs in
    page.get_by_role("link", name="Go to the portal").click()
    page.get_by_label("Email address").fill("ann.new@customer-a.example")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_attached()
    assert_no_csp_violations(csp_violations)
