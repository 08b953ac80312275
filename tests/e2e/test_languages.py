"""The portal in each language in a browser: home, an invoice, the pay page and the statement,
screenshotted per language (Arabic at desktop and at 375 px), right to left in Arabic, and axe
finds no serious issue on the right-to-left pages."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from portico.contacts.models import Contact, ContactPerson
from portico.orgs.models import Organisation
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.portal_pages_support import log_in, phone_screenshot
from tests.e2e.test_accessibility import assert_accessible
from tests.gateways.factories import GatewayAccountFactory
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("language", ["de", "fr", "es", "ar"])
def test_the_portal_pages_in_each_language(
    live_server: Any,
    browser: Browser,
    page: Page,
    org: Organisation,
    customer_a: Contact,
    customer_a_person: ContactPerson,
    password: str,
    language: str,
) -> None:
    GatewayAccountFactory(organisation=org)  # the pay page shows its form, not "not set up"
    invoice = sales.invoice(customer_a, "1234.56")
    ContactPerson.objects.filter(pk=customer_a_person.pk).update(language=language)
    log_in(page, live_server.url, customer_a_person, password)
    portal = f"{live_server.url}/portal/{org.slug}"
    pages = {
        "home": f"{portal}/",
        "invoice": f"{portal}/invoices/{invoice.public_id}",
        "pay": f"{portal}/pay/",
        "statement": f"{portal}/statement",
    }
    (SCREENSHOTS / "i18n").mkdir(parents=True, exist_ok=True)
    for name, url in pages.items():
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        html = page.locator("html")
        assert html.get_attribute("lang") == language
        assert html.get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
        page.screenshot(path=str(SCREENSHOTS / "i18n" / f"{language}-{name}.png"), full_page=True)
        if language == "ar":
            assert_accessible(page)
            phone = phone_screenshot(browser, page, url, f"i18n/{language}-{name}-375")
            assert phone.locator("html").get_attribute("dir") == "rtl"
            phone.context.close()
