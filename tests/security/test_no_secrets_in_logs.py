"""A whole journey, every logger at DEBUG (SQL included) and every mail captured: no password,
one-time token, API key, bearer token, card number or CVC in any of it. The only place a token
may be is the one email that carries it to its own person."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse

from portico.accounts.models import ApiKey, User
from portico.activity import invitations
from portico.contacts.models import ContactPerson
from portico.orgs.models import Organisation
from portico.portal import views as portal_views
from tests.api.conftest import Api
from tests.gateways import pan_scan
from tests.payments.checkout.conftest import Tokenise, sandbox_account, tokenise
from tests.payments.checkout.test_portal_pages import form_of
from tests.portal.conftest import link_in_last_email, portal_login
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db
__all__ = ["sandbox_account", "tokenise"]

CARD = "4242424242424242"
CVC = "917"
WRONG = "Wrong-Guess-Password-1"
FIRST = "first-portal-passphrase-31"
SECOND = "second-portal-passphrase-47"


@pytest.fixture
def everything_logged(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every logger at DEBUG, SQL statements with their parameters too."""
    caplog.set_level(logging.DEBUG)
    for name in list(logging.root.manager.loggerDict):
        caplog.set_level(logging.DEBUG, logger=name)
    connection.force_debug_cursor = True
    try:
        yield caplog
    finally:
        connection.force_debug_cursor = False


def token_of(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[-1]


def everything_in(record: logging.LogRecord) -> str:
    """What a handler prints of a record: the message, the exception, any text added to it."""
    parts = [record.getMessage(), str(record.exc_text or ""), str(record.stack_info or "")]
    parts += [value for key, value in vars(record).items() if isinstance(value, str)]
    return "\n".join(parts)


def text_of(message: Any) -> str:
    parts = [*message.to, message.subject, str(message.body)]
    parts += [str(content) for content, _ in getattr(message, "alternatives", [])]
    return "\n".join(parts)


def test_a_whole_journey_leaves_no_secret_in_the_logs_or_the_mail(
    everything_logged: pytest.LogCaptureFixture,
    owner: User,
    password: str,
    org: Organisation,
    customer_a_person: ContactPerson,
    tokenise: Tokenise,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.ADMINS = [("Ops", "ops@portico.example")]  # server errors are mailed to them
    invoice = sales.invoice(customer_a_person.contact, "100.00")

    # staff: a wrong password, then the right one; an API key made in the back office
    staff = Client()
    staff.post(reverse("admin:login"), {"username": owner.email, "password": WRONG})
    assert (
        staff.post(reverse("admin:login"), {"username": owner.email, "password": password})
    ).status_code == 302
    shown = staff.post(reverse("admin:accounts_apikey_add"), {"name": "Journey"}, follow=True)
    api_key = re.search(r"pk_[A-Za-z0-9_-]{20,}", shown.content.decode())
    assert api_key, "the key is shown once to the staff member"
    assert ApiKey.objects.filter(organisation=org, name="Journey").exists()

    # the customer: invited, accepts with a password, signs in (once hitting a server error)
    with django_capture_on_commit_callbacks(execute=True):
        invitations.portal_access_enable(person=customer_a_person)
    invitation = link_in_last_email("/invitation/")
    portal = Client(raise_request_exception=False)
    portal.post(invitation, {"new_password1": FIRST, "new_password2": FIRST})
    Client().get(invitation)  # the used link opened again: 410, "Gone: <the address>"
    portal.post(f"/portal/{org.slug}/logout")
    with monkeypatch.context() as patched:
        patched.setattr(portal_views.services, "portal_login_record", explode)
        assert portal_login(portal, org, customer_a_person.email, FIRST).status_code == 500

    # forgets the password, resets it, opens the used link again, signs in with the new one
    with django_capture_on_commit_callbacks(execute=True):
        portal.post(f"/portal/{org.slug}/password/forgot", {"email": customer_a_person.email})
    reset = link_in_last_email("/password/reset/")
    portal.get(reset)
    portal.post(reset, {"new_password1": SECOND, "new_password2": SECOND})
    Client().get(reset)
    assert portal_login(portal, org, customer_a_person.email, SECOND).status_code == 302

    # pays the invoice with the sandbox's 4242 card
    page = portal.get(f"/portal/{org.slug}/pay/?invoice={invoice.public_id}")
    data = {
        **form_of(page),
        "invoice": [str(invoice.public_id)],
        "method": "card",
        "token": tokenise(CARD, cvc=CVC),
        "save_method": "on",
    }
    assert portal.post(f"/portal/{org.slug}/pay/", data).status_code == 302
    invoice.refresh_from_db()
    assert invoice.balance_due == 0

    # a bearer token from the Portal API, used; the API key used on the Books API
    response = Api().post(
        f"/portal/{org.slug}/auth/token", {"email": customer_a_person.email, "password": SECOND}
    )
    assert response.status_code == 201, response.content
    bearer = response.json()["token"]
    assert Api(bearer).get(f"/portal/{org.slug}/invoices").status_code == 200
    assert Api(api_key.group()).get("/books/contacts").status_code == 200
    assert Api("pk_" + "x" * 40).get("/books/contacts").status_code == 401

    # then: nothing secret in any log record or mail
    secrets = {
        "staff password": password,
        "wrong password": WRONG,
        "first portal password": FIRST,
        "second portal password": SECOND,
        "invitation token": token_of(invitation),
        "reset token": token_of(reset),
        "API key": api_key.group(),
        "bearer token": bearer,
    }
    carriers = {
        "invitation token": customer_a_person.email,
        "reset token": customer_a_person.email,
    }
    found = []
    for record in everything_logged.records:
        text = everything_in(record)
        found += [f"log {record.name}: {name}" for name, value in secrets.items() if value in text]
    assert everything_logged.records, "the journey logged nothing: the capture is broken"
    assert any(r.name == "django.db.backends" for r in everything_logged.records)
    carried = set()
    for index, message in enumerate(mail.outbox):
        text = text_of(message)
        for name, value in secrets.items():
            if value not in text:
                continue
            if carriers.get(name) == message.to[0] and (name, message.to[0]) not in carried:
                carried.add((name, message.to[0]))  # its own email, once
                continue
            found.append(f"mail {index} to {message.to}: {name}")
    assert carried == {(name, email) for name, email in carriers.items()}
    assert any("ops@portico.example" in m.to for m in mail.outbox), "the error report was sent"
    assert found == [], found
    # The card as typed, in any grouping, nowhere, nor its CVC as a stored value (SQL statements
    # included); no other card-like number or the CVC in any other record (SQL's timestamps
    # and durations hold chance digit runs).
    grouped = [CARD, " ".join(re.findall("....", CARD)), "-".join(re.findall("....", CARD))]
    stored_cvc = [f"'{CVC}'", f'"{CVC}"']
    for record in everything_logged.records:
        text = everything_in(record)
        found += [f"log {record.name}: card" for form in [*grouped, *stored_cvc] if form in text]
    assert found == [], found
    prose = [r for r in everything_logged.records if r.name != "django.db.backends"]
    findings = pan_scan.scan_logs(prose, [CVC]) + pan_scan.scan_outbox([CVC])
    assert not findings, "card data found: " + "; ".join(str(f) for f in findings)


def explode(**kwargs: Any) -> None:
    raise RuntimeError("the session store is down")


TOKEN = "A1b2_-" * 8
REDACTIONS = [
    (f"Gone: /portal/studio-a/invitation/{TOKEN}", "Gone: /portal/studio-a/invitation/[redacted]"),
    (
        f'"GET /portal/x/d/{TOKEN}?a=1 HTTP/1.1" 200',
        '"GET /portal/x/d/[redacted]?a=1 HTTP/1.1" 200',
    ),
    (
        "POST https://hooks.example/in?token=abc123&x=1",
        "POST https://hooks.example/in?token=[redacted]&x=1",
    ),
    ("/admin/activity/activitylog/3f2b1c9e-1234-4abc-8def-0123456789ab/change/", None),
    ("Not Found: /portal/studio-a/invoices/INV-000042", None),
]


@pytest.mark.parametrize(("message", "kept"), REDACTIONS)
def test_every_log_record_is_redacted_whatever_its_logger(
    caplog: pytest.LogCaptureFixture, message: str, kept: str | None
) -> None:
    caplog.set_level(logging.INFO, logger="any.library.at.all")
    logging.getLogger("any.library.at.all").info("%s", message)
    assert caplog.records[-1].getMessage() == (kept or message)
