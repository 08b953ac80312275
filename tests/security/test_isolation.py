"""Typed text shown beside other words is isolated (`<bdi>` in HTML, FSI … PDI in plain text)
and shown without its invisible controls: a customer named "Acme‮gpj.exe" (stored before such
names were refused) cannot disguise itself, or the sentence around it, to staff, in mails or PDFs.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client

from portico.activity import services
from portico.activity.models import Notification
from portico.contacts.models import Contact
from portico.core import text
from portico.documents import context as document_context
from portico.documents import rendering
from portico.documents.kinds import kind_of
from portico.orgs.models import Organisation
from tests.portal.self_service import factories as ss
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db

RLO = "\u202e"
DISGUISED = f"Acme{RLO}gpj.exe"


@pytest.fixture
def disguised(customer_a: Contact) -> Contact:
    # written as older data would be, past the forms that refuse it now
    Contact.objects.filter(pk=customer_a.pk).update(display_name=DISGUISED)
    customer_a.refresh_from_db()
    return customer_a


def test_the_helpers_isolate_and_drop_the_controls() -> None:
    assert text.bdi(DISGUISED) == "<bdi>Acmegpj.exe</bdi>"
    assert text.bdi("<b>") == "<bdi>&lt;b&gt;</bdi>"
    assert text.isolate(DISGUISED) == "\u2068Acmegpj.exe\u2069"
    assert (
        text.fill("%(customer)s paid.", {"customer": DISGUISED}) == "\u2068Acmegpj.exe\u2069 paid."
    )


def test_staff_see_the_customers_name_isolated_in_the_lists(
    owner_client: Client, disguised: Contact
) -> None:
    # when staff open the customers and the invoices
    sales.invoice(disguised)
    pages = [
        owner_client.get("/admin/contacts/contact/").content.decode(),
        owner_client.get("/admin/sales/invoice/").content.decode(),
    ]
    # then the name is shown in <bdi>, without the override
    for page in pages:
        assert "<bdi>Acmegpj.exe</bdi>" in page
        assert RLO not in page


def test_a_change_page_heads_with_the_name_isolated(
    owner_client: Client, disguised: Contact
) -> None:
    # when staff open the customer's own page
    page = owner_client.get(f"/admin/contacts/contact/{disguised.pk}/change/").content.decode()
    # then its heading and its browser tab name it isolated, without the override
    assert "<bdi>Acmegpj.exe</bdi>" in page
    assert "\u2068Acmegpj.exe\u2069" in page
    # (the field that edits it shows it as stored; saving drops the override)
    assert RLO not in page.replace(f'value="{DISGUISED}"', "")


def test_staff_see_a_customers_message_isolated_on_its_page(
    owner_client: Client, org: Organisation
) -> None:
    message = ss.CustomerMessageFactory(
        person__contact__organisation=org, subject=f"Refund{RLO}fdp.exe"
    )
    page = owner_client.get(f"/admin/contacts/customermessage/{message.pk}/change/")
    assert page.status_code == 200
    # the subject's field (the page's title still names the row as stored)
    assert "<bdi>Refundfdp.exe</bdi>" in page.content.decode()


def test_the_staff_notification_email_isolates_the_text(
    org: Organisation, disguised: Contact, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.notification_create(
            organisation=org,
            kind=Notification.Kind.AUTOPAY_OFF,
            event_key="autopay_off:isolated",
            text=f"{DISGUISED} turned off autopay.",
            contact=disguised,
        )
    (sent,) = mail.outbox
    html = str(sent.alternatives[0].content)
    assert "\u2068Acmegpj.exe turned off autopay.\u2069" in sent.body
    assert "<bdi>Acmegpj.exe turned off autopay.</bdi>" in html
    assert RLO not in sent.subject + sent.body + html


def test_the_documents_pdf_html_isolates_the_customers_name(disguised: Contact) -> None:
    invoice = sales.invoice(disguised)
    kind = kind_of(invoice)
    html = rendering.render_html(kind.template, document_context.document_context(invoice, kind))
    assert "<bdi>Acmegpj.exe</bdi>" in html
    assert RLO not in html
