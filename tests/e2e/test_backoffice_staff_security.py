"""In the browser: a staff member sets up two-factor sign-in, and a customer import is
previewed (clean, then with bad rows) before anything is written."""

from __future__ import annotations

from binascii import unhexlify
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from portico.accounts.models import User
from portico.backoffice.views.two_factor import SESSION_KEY
from portico.contacts.models import Contact
from portico.orgs.models import Organisation
from tests.e2e.test_accessibility import serious_violations

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page: Page, base: str, user: User, password: str) -> None:
    page.goto(f"{base}/admin/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def setup_key(page: Page) -> str:
    """The secret the set-up page shows, read from the server's session (as the app would
    read it from the QR code)."""
    cookie = next(c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=cookie["value"])
    return str(store[SESSION_KEY])


def test_a_staff_member_sets_up_two_factor_sign_in(
    page: Page,
    live_server: Any,
    org: Organisation,
    owner: User,
    password: str,
    screenshot: Any,
    csp_violations: list[str],
) -> None:
    # given an organisation that requires two-factor for staff
    org.require_staff_two_factor = True
    org.save(update_fields=["require_staff_two_factor"])

    # when the owner signs in with the password
    sign_in(page, live_server.url, owner, password)

    # then the set-up page asks for an authenticator app, with a QR code
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    qr = page.get_by_role("img", name="QR code to scan with your authenticator app")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.naturalWidth") > 0
    screenshot("backoffice-two-factor-setup")
    assert serious_violations(page) == []

    # when they type the app's code
    code = f"{TOTP(unhexlify(setup_key(page))).token():06d}"
    page.get_by_label("Code from your authenticator app").fill(code)
    page.get_by_role("button", name="Turn on two-factor sign-in").click()

    # then the recovery codes are shown once, and the back office opens
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    screenshot("backoffice-two-factor-codes")
    assert serious_violations(page) == []
    page.get_by_role("link", name="Continue to the back office").click()
    expect(page.get_by_role("link", name="Customers").first).to_be_visible()
    assert csp_violations == []


def test_a_customer_import_is_previewed_with_each_bad_row_before_anything_is_written(
    page: Page,
    live_server: Any,
    org: Organisation,
    owner: User,
    password: str,
    tmp_path: Path,
    screenshot: Any,
    csp_violations: list[str],
) -> None:
    sign_in(page, live_server.url, owner, password)
    expect(page.get_by_role("link", name="Customers").first).to_be_visible()

    # given a file with two bad rows
    bad = tmp_path / "customers-bad.csv"
    bad.write_text(
        "display_name,email,currency\n"
        "Acme Ltd,ap@acme.example,USD\n"
        ",nameless@example.com,USD\n"
        "Bolt GmbH,not-an-address,EUR\n"
    )
    page.goto(f"{live_server.url}/admin/contacts/contact/import/")
    page.locator("input[type=file]").set_input_files(str(bad))
    page.locator("select[name=format]").select_option("0")
    page.get_by_role("button", name="Submit").click()

    # then each bad row is listed and nothing can be confirmed
    expect(page.get_by_text("Enter a valid email address.").first).to_be_visible()
    expect(page.get_by_role("button", name="Confirm import")).to_have_count(0)
    screenshot("backoffice-import-errors")
    assert not Contact.objects.filter(display_name="Acme Ltd").exists()

    # when the file is fixed
    good = tmp_path / "customers.csv"
    good.write_text("display_name,email,currency\nAcme Ltd,ap@acme.example,USD\nBolt GmbH,,EUR\n")
    page.goto(f"{live_server.url}/admin/contacts/contact/import/")
    page.locator("input[type=file]").set_input_files(str(good))
    page.locator("select[name=format]").select_option("0")
    page.get_by_role("button", name="Submit").click()

    # then the preview shows the new rows, and only the confirmation writes them
    expect(page.get_by_role("button", name="Confirm import")).to_be_visible()
    expect(page.get_by_text("Acme Ltd").first).to_be_visible()
    screenshot("backoffice-import-preview")
    assert not Contact.objects.filter(display_name="Acme Ltd").exists()
    page.get_by_role("button", name="Confirm import").click()
    expect(page.get_by_text("Import finished").first).to_be_visible()
    assert Contact.objects.filter(organisation=org, display_name="Acme Ltd").exists()
    assert csp_violations == []
