from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from portico.accounts.models import User

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_back_office_login_page_opens_and_a_staff_user_logs_in(
    page: Page,
    live_server: Any,
    owner: User,
    password: str,
    screenshot: Any,
    csp_violations: list[str],
) -> None:
    # given the back-office login page
    page.goto(f"{live_server.url}/admin/login/")
    expect(page.get_by_role("heading", name="Welcome back to Portico")).to_be_visible()
    screenshot("backoffice-login")

    # when the owner logs in with their email in another case
    page.get_by_label("Email address").fill(owner.email.upper())
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()

    # then the back office shows the organisation's customers link
    expect(page.get_by_role("link", name="Customers").first).to_be_visible()
    screenshot("backoffice-home")
    assert csp_violations == []
