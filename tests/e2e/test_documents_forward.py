"""Forwarding an invoice from the portal in a real browser: print view → Forward → sent, the
PDF in each recipient's mail, the new address a contact person once even when sent twice."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from portico.activity import invitations
from portico.contacts.models import Contact, ContactPerson
from tests.sales import factories as make

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/portal/studio-a/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_forward_an_invoice_twice(
    page: Page,
    live_server: Any,
    customer_a: Contact,
    customer_a_person: ContactPerson,
    password: str,
    screenshot: Any,
    csp_violations: list[str],
) -> None:
    # given an issued invoice and a person with portal access
    invoice = make.invoice(customer_a, "1250.00", notes="Net 30")
    invitations.portal_access_enable(person=customer_a_person, password=password)
    log_in(page, live_server.url, customer_a_person.email, password)
    expect(page.get_by_role("heading", name=re.compile("Hello"))).to_be_visible()

    # when they open the print view and choose Forward
    page.goto(f"{live_server.url}/portal/studio-a/documents/invoice/{invoice.public_id}/print")
    expect(page.get_by_text(invoice.number).first).to_be_visible()
    screenshot("documents-invoice-print-view")
    page.get_by_role("link", name="Forward").click()
    expect(page.get_by_role("heading", name=re.compile("Forward"))).to_be_visible()

    # a malformed address is a field error and nothing is sent
    page.get_by_label("Email addresses").fill("not-an-address")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("is not a valid email address")).to_be_visible()
    assert mail.outbox == []

    # then a valid address with a message is sent, with the PDF attached
    page.get_by_label("Email addresses").fill("Accounts@customer-a.example")
    page.get_by_label("Message (optional)").fill("For your records")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text(re.compile("was sent to Accounts@customer-a.example"))).to_be_visible()
    screenshot("documents-forward-sent")

    # and forwarding again to the same address adds no second contact person
    page.get_by_label("Email addresses").fill("accounts@customer-a.example")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text(re.compile("was sent to accounts@customer-a.example"))).to_be_visible()

    forwarded = [m for m in mail.outbox if m.to != [customer_a.organisation.primary_email]]
    assert [m.to for m in forwarded] == [
        ["Accounts@customer-a.example"],
        ["accounts@customer-a.example"],
    ]
    first = forwarded[0]
    assert "For your records" in first.body
    assert first.attachments[0][0] == f"invoice-{invoice.number}.pdf"
    assert first.attachments[0][1].startswith(b"%PDF")
    added = ContactPerson.objects.filter(
        contact=customer_a, email__iexact="accounts@customer-a.example"
    )
    assert added.count() == 1
    assert csp_violations == []
