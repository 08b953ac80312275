"""Accessibility of the customer portal: axe-core (through axe-playwright-python) on every main
page, logged out and logged in with a small realistic history, at desktop and phone width.

A page fails on any violation of impact "serious" or "critical"; the message names the rule, the
elements (CSS selectors) and the help URL, so a failure says what to fix.
"""

from __future__ import annotations

import datetime
import secrets
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page, expect

from portico.activity import invitations
from portico.contacts import portal_tokens as tokens
from portico.contacts.models import Contact, ContactPerson, PortalToken
from portico.contacts.scope import PortalScope
from portico.orgs.models import GatewayAccount, Organisation, PortalPreferences
from portico.payments import services as payments
from portico.payments.checkout import services as checkout
from portico.payments.models import Checkout, Payment, SavedMethod
from portico.payments.saved_methods import saved_method_add
from portico.portal import services as portal_services
from portico.projects.models import Project, TimesheetApproval
from portico.sales import services as sales_services
from portico.sales.models import Estimate, Invoice, SalesOrder
from tests.e2e.portal_pages_support import log_in
from tests.gateways.conftest import CARD_DEFAULTS
from tests.gateways.factories import GatewayAccountFactory
from tests.projects.factories import ProjectFactory, TimeEntryFactory, TimesheetApprovalFactory
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db(transaction=True)

FAILING_IMPACTS = {"serious", "critical"}
PHONE = {"width": 390, "height": 844}


@dataclass
class History:
    """What a customer with a little history has, and where the pages live."""

    site: str
    portal: str
    account: GatewayAccount
    paid: Invoice
    unpaid: Invoice
    partly_paid: Invoice
    estimate: Estimate
    sales_order: SalesOrder
    project: Project
    approval: TimesheetApproval
    card_payment: Payment
    checkout: Checkout
    card: SavedMethod
    reset_secret: str


def _card_token(account: GatewayAccount) -> str:
    """A one-time token from the sandbox's tokenisation endpoint, as the hosted fields get it."""
    data = {**CARD_DEFAULTS, "number": "4242424242424242", "account": account.publishable_key}
    response = Client().post("/sandbox-gateway/v1/tokens", data)
    assert response.status_code == 201, response.content
    return str(response.json()["token"])


@pytest.fixture
def history(
    live_server: Any,
    settings: Any,
    org: Organisation,
    customer_a: Contact,
    customer_a_person: ContactPerson,
    password: str,
) -> History:
    settings.SITE_URL = live_server.url
    person = invitations.portal_access_enable(person=customer_a_person, password=password)
    scope = PortalScope(organisation=org, contact=customer_a, person=person)
    account = GatewayAccountFactory(organisation=org, duplicate_window_minutes=0)
    card = saved_method_add(scope=scope, account=account, token=_card_token(account))

    paid = sales.invoice(customer_a, "120.00")
    done = checkout.checkout_start(
        scope=scope, invoices=[paid], idempotency_key=uuid.uuid4().hex, saved_method=card
    )
    assert done.state == Checkout.State.SUCCEEDED and done.payment is not None
    unpaid = sales.invoice(customer_a, "80.00", due_date=datetime.date(2026, 2, 14))
    partly_paid = sales.invoice(customer_a, "300.00", allow_partial_payment=True)
    sales.invoice(customer_a, "500.00", kind=Invoice.Kind.RETAINER)
    payments.payment_record(
        contact=customer_a,
        amount=Decimal("100.00"),
        date=sales.DAY,
        mode="cash",
        allocations=[(partly_paid, Decimal("100.00"))],
    )

    estimate = sales_services.estimate_send(estimate=sales.estimate(customer_a, "450.00"))
    order = sales_services.sales_order_confirm(sales_order=sales.sales_order(customer_a, "220.00"))
    project = ProjectFactory(contact=customer_a, name="Website")
    approval = TimesheetApprovalFactory(
        project=project,
        entries=[TimeEntryFactory(project=project, task=f"Design round {n}") for n in (1, 2)],
    )
    sales.recurring_profile(customer_a, name="Hosting", autopay=True)
    _token, reset_secret = tokens.token_issue(
        person=person, purpose=PortalToken.Purpose.PASSWORD_RESET
    )
    return History(
        site=live_server.url,
        portal=f"{live_server.url}/portal/{org.slug}",
        account=account,
        paid=paid,
        unpaid=unpaid,
        partly_paid=partly_paid,
        estimate=estimate,
        sales_order=order,
        project=project,
        approval=approval,
        card_payment=done.payment,
        checkout=done,
        card=card,
        reset_secret=reset_secret,
    )


def serious_violations(page: Page) -> list[str]:
    """axe-core on the page and its frames; one readable line per serious or critical finding."""
    axe = Axe()
    for frame in page.frames[1:]:
        frame.evaluate(axe.axe_script)  # so axe can look inside the gateway's hosted fields
    results = axe.run(page)
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] not in FAILING_IMPACTS:
            continue
        targets = "; ".join(" >>> ".join(node["target"]) for node in violation["nodes"])
        first = violation["nodes"][0]
        why = " ".join(c["message"] for c in first["any"] + first["all"] + first["none"])
        found.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']} — {targets} "
            f"— e.g. {why} — {violation['helpUrl']}"
        )
    return found


def assert_accessible(page: Page) -> None:
    found = serious_violations(page)
    assert found == [], f"{page.url}:\n" + "\n".join(found)


# --- the pages -------------------------------------------------------------------------------

Url = Callable[[History], str]


def case(name: str, url: Url, *, logged_in: bool = True, shows: str = "") -> Any:
    """One page to audit; `shows` is a selector the page must show, so the audit is not vacuous."""
    return pytest.param(url, logged_in, shows, id=name)


LOGGED_OUT = [
    case("login", lambda h: f"{h.portal}/login", logged_in=False),
    case("password-forgot", lambda h: f"{h.portal}/password/forgot", logged_in=False),
    case(
        "password-reset",
        lambda h: f"{h.portal}/password/reset/{h.reset_secret}",
        logged_in=False,
        shows="input[type=password]",
    ),
    case(
        "sandbox-hosted-card-fields",
        lambda h: f"{h.site}/sandbox-gateway/v1/hosted-fields?account={h.account.publishable_key}",
        logged_in=False,
    ),
    case(
        "sandbox-hosted-bank-fields",
        lambda h: (
            f"{h.site}/sandbox-gateway/v1/hosted-fields"
            f"?account={h.account.publishable_key}&kind=bank"
        ),
        logged_in=False,
    ),
]

LOGGED_IN = [
    case("home", lambda h: f"{h.portal}/", shows="#last-payment"),
    case("estimates", lambda h: f"{h.portal}/estimates"),
    case(
        "estimate-detail",
        lambda h: f"{h.portal}/estimates/{h.estimate.public_id}",
        shows="#decline",
    ),
    case("invoices", lambda h: f"{h.portal}/invoices"),
    case("invoice-detail-unpaid", lambda h: f"{h.portal}/invoices/{h.unpaid.public_id}"),
    case("invoice-detail-paid", lambda h: f"{h.portal}/invoices/{h.paid.public_id}"),
    case("payments", lambda h: f"{h.portal}/payments"),
    case("payment-receipt", lambda h: f"{h.portal}/payments/{h.card_payment.public_id}"),
    case("sales-orders", lambda h: f"{h.portal}/sales-orders"),
    case("sales-order-detail", lambda h: f"{h.portal}/sales-orders/{h.sales_order.public_id}"),
    case("projects", lambda h: f"{h.portal}/projects"),
    case("project-detail", lambda h: f"{h.portal}/projects/{h.project.public_id}"),
    case("timesheets", lambda h: f"{h.portal}/timesheets"),
    case(
        "timesheet-approval",
        lambda h: f"{h.portal}/timesheets/{h.approval.public_id}",
        shows="#reject",
    ),
    case("statement", lambda h: f"{h.portal}/statement"),
    case("account-and-sessions", lambda h: f"{h.portal}/account"),
    case("two-factor-setup", lambda h: f"{h.portal}/account/two-factor"),
    case("my-details", lambda h: f"{h.portal}/account/details"),
    case("company-details", lambda h: f"{h.portal}/account/company"),
    case("contact-us", lambda h: f"{h.portal}/account/contact"),
    case("review", lambda h: f"{h.portal}/account/review"),
    case("pay", lambda h: f"{h.portal}/pay/", shows="#pay-button"),
    case("pay-one-invoice", lambda h: f"{h.portal}/pay/?invoice={h.partly_paid.public_id}"),
    case("saved-methods", lambda h: f"{h.portal}/pay/methods", shows="#autopay"),
    case("saved-method-edit", lambda h: f"{h.portal}/pay/methods/{h.card.public_id}/edit"),
    case("checkout-outcome", lambda h: f"{h.portal}/pay/checkouts/{h.checkout.public_id}"),
    case(
        "invoice-print",
        lambda h: f"{h.portal}/documents/invoice/{h.unpaid.public_id}/print",
    ),
    case(
        "estimate-print",
        lambda h: f"{h.portal}/documents/estimate/{h.estimate.public_id}/print",
    ),
    case(
        "receipt-print",
        lambda h: f"{h.portal}/documents/payment/{h.card_payment.public_id}/print",
    ),
    case("statement-print", lambda h: f"{h.portal}/documents/statement/print"),
]


Open = Callable[..., Page]


@pytest.fixture
def open_page(
    page: Page, browser: Browser, history: History, customer_a_person: ContactPerson, password: str
) -> Iterator[Open]:
    """Open a page (logged in first if asked), at desktop width or in a context of `viewport`."""
    contexts: list[BrowserContext] = []

    def open_(url: Url, logged_in: bool, viewport: dict[str, int] | None = None) -> Page:
        if logged_in:
            log_in(page, history.site, customer_a_person, password)
        tab = page
        if viewport is not None:
            contexts.append(
                browser.new_context(viewport=viewport, storage_state=page.context.storage_state())
            )
            tab = contexts[-1].new_page()
        # Colours are checked at rest: with transitions off, a button the pointer still rests on
        # after a click shows its final hover colours, not a blend caught half-way.
        tab.emulate_media(reduced_motion="reduce")
        response = tab.goto(url(history))
        assert response is not None and response.ok, f"{url(history)} answered {response}"
        return tab

    yield open_
    for context in contexts:
        context.close()


@pytest.mark.parametrize(("url", "logged_in", "shows"), LOGGED_OUT + LOGGED_IN)
def test_the_page_has_no_serious_accessibility_violations(
    open_page: Open, url: Url, logged_in: bool, shows: str
) -> None:
    tab = open_page(url, logged_in)
    if shows:
        expect(tab.locator(shows).first).to_be_visible()
    assert_accessible(tab)


PHONE_PAGES = [
    case("home-phone", lambda h: f"{h.portal}/"),
    case("invoice-detail-phone", lambda h: f"{h.portal}/invoices/{h.unpaid.public_id}"),
    case("pay-phone", lambda h: f"{h.portal}/pay/"),
    case("login-phone", lambda h: f"{h.portal}/login", logged_in=False),
]


@pytest.mark.parametrize(("url", "logged_in", "shows"), PHONE_PAGES)
def test_the_page_at_phone_width_has_no_serious_accessibility_violations(
    open_page: Open, url: Url, logged_in: bool, shows: str
) -> None:
    assert_accessible(open_page(url, logged_in, viewport=PHONE))


@pytest.mark.parametrize("colour", ["#f59e0b", "#22c55e", "#7dd3fc"])
@pytest.mark.parametrize(
    ("url", "logged_in", "shows"),
    [
        case("login", lambda h: f"{h.portal}/login", logged_in=False),
        case("invoice-detail", lambda h: f"{h.portal}/invoices/{h.unpaid.public_id}"),
        case("account-tabs", lambda h: f"{h.portal}/account/details"),
        case("invoice-print", lambda h: f"{h.portal}/documents/invoice/{h.unpaid.public_id}/print"),
    ],
)
def test_a_light_brand_colour_keeps_the_page_readable(
    open_page: Open, org: Organisation, url: Url, logged_in: bool, shows: str, colour: str
) -> None:
    # given a business that picked a light brand colour (white text on it would be unreadable)
    PortalPreferences.objects.update_or_create(organisation=org, defaults={"brand_colour": colour})
    # then its buttons, links and tabs are still readable
    assert_accessible(open_page(url, logged_in))


Act = Callable[[Page], None]


def _submit(button: str) -> Act:
    def act(page: Page) -> None:
        page.get_by_role("button", name=button, exact=True).click()
        page.wait_for_load_state()

    return act


def _open_all_details(page: Page) -> None:
    page.locator("details").evaluate_all("(all) => all.forEach((d) => { d.open = true; })")


def _new_card(page: Page) -> None:
    page.get_by_label("A new card").check()
    expect(page.locator("iframe[data-hosted-fields=card]")).to_be_visible()
    page.frame_locator("iframe[data-hosted-fields=card]").get_by_label("Card number").wait_for()


def _wrong_password(page: Page) -> None:
    page.get_by_label("Email address").fill("ann@customer-a.example")
    page.get_by_label("Password").fill("not the password")
    _submit("Log in")(page)


STATES = [
    pytest.param(lambda h: f"{h.portal}/pay/", True, _new_card, id="pay-with-a-new-card"),
    pytest.param(lambda h: f"{h.portal}/login", False, _wrong_password, id="login-wrong-password"),
    pytest.param(
        lambda h: f"{h.portal}/estimates/{h.estimate.public_id}",
        True,
        _open_all_details,
        id="estimate-answer-forms-open",
    ),
    pytest.param(
        lambda h: f"{h.portal}/estimates/{h.estimate.public_id}",
        True,
        _submit("Accept and sign"),
        id="estimate-accept-without-name",
    ),
    pytest.param(
        lambda h: f"{h.portal}/timesheets/{h.approval.public_id}",
        True,
        _open_all_details,
        id="timesheet-reject-form-open",
    ),
    pytest.param(
        lambda h: f"{h.portal}/pay/methods", True, _open_all_details, id="saved-methods-open"
    ),
    pytest.param(
        lambda h: f"{h.portal}/account/contact",
        True,
        _submit("Send message"),
        id="contact-us-empty",
    ),
    pytest.param(
        lambda h: f"{h.portal}/account/review",
        True,
        _submit("Publish my review"),
        id="review-empty",
    ),
    pytest.param(
        lambda h: f"{h.portal}/invoices/{h.unpaid.public_id}",
        True,
        _submit("Post comment"),
        id="comment-empty",
    ),
]


@pytest.mark.parametrize(("url", "logged_in", "act"), STATES)
def test_the_page_after_an_action_has_no_serious_accessibility_violations(
    open_page: Open, url: Url, logged_in: bool, act: Act
) -> None:
    # given the page, when the person opens its forms or sends one with a mistake
    tab = open_page(url, logged_in)
    act(tab)
    # then what it shows (forms, errors) is accessible too
    assert_accessible(tab)


def test_the_two_factor_code_page_and_its_error_have_no_serious_accessibility_violations(
    page: Page, history: History, customer_a_person: ContactPerson, password: str
) -> None:
    # given a person with two-factor login on
    assert customer_a_person.user is not None
    portal_services.portal_two_factor_enable(user=customer_a_person.user, key=secrets.token_hex(20))
    # when she logs in with her password, the page asks for the code
    page.goto(f"{history.portal}/login")
    page.get_by_label("Email address").fill(customer_a_person.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/login/verify**")
    assert_accessible(page)
    # and when she types a wrong code, the error is accessible too
    page.locator("input[name=code]").fill("000000")
    _submit("Verify")(page)
    assert_accessible(page)
