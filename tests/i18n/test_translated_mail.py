"""Every email a customer gets (subject, text and HTML) and every PDF (its HTML, as WeasyPrint
lays it out) in each language carry no English phrase of the catalog left untranslated
(`tests.i18n.untranslated`): the person reads their own language while the customer and the
organisation keep English, so a part rendered in the wrong language shows."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from portico.accounts.models import User
from portico.activity import invitations, self_service
from portico.contacts.models import Contact, ContactPerson, DocumentLink
from portico.contacts.scope import PortalScope
from portico.core.errors import PortalError
from portico.documents import context, links, rendering, sending
from portico.documents import services as document_services
from portico.documents.kinds import DocumentKind, kind_named
from portico.payments import notices, reminders
from portico.payments.models import Checkout, CheckoutItem
from portico.portal import services as portal_services
from portico.sales.models import Invoice
from portico.statements import selectors as statements
from tests.gateways.factories import GatewayAccountFactory
from tests.i18n.untranslated import english_left
from tests.payments import factories as payments
from tests.portal.conftest import enable_with_password
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db

LANGUAGES = ["de", "fr", "es", "ar"]
ELSEWHERE = "colleague@elsewhere.example"


def _document(contact: Contact, slug: str) -> Any:
    made: dict[str, Callable[[], Any]] = {
        "invoice": lambda: sales.invoice(contact, "1234.56"),
        "retainer-invoice": lambda: sales.invoice(contact, "500", kind=Invoice.Kind.RETAINER),
        "estimate": lambda: sales.estimate(contact, "1234.56"),
        "sales-order": lambda: sales.sales_order(contact, "1234.56"),
        "credit-note": lambda: sales.credit_note(contact),
        "payment": lambda: payments.payment(contact, "50.00"),
    }
    return made[slug]()


def _send(slug: str) -> Callable[..., None]:
    def run(person: ContactPerson, owner: User, password: str) -> None:
        document = _document(person.contact, slug)
        sending.document_send(organisation=document.organisation, document=document, sent_by=owner)

    return run


def _reminder(person: ContactPerson, owner: User, password: str) -> None:
    invoice = sales.invoice(person.contact, "1234.56", due_date=datetime.date(2026, 1, 20))
    reminders.invoice_remind(organisation=invoice.organisation, invoice=invoice, sent_by=owner)


def _link_renewed(person: ContactPerson, owner: User, password: str) -> None:
    invoice = _document(person.contact, "invoice")
    links.personal_link_url(person=person, kind="invoice", document=invoice)
    link = DocumentLink.objects.get(person=person, document_id=invoice.public_id)
    DocumentLink.objects.filter(pk=link.pk).update(
        expires_at=timezone.now() - datetime.timedelta(days=1)
    )
    link.refresh_from_db()
    assert sending.document_link_renew(link=link)


def _forward(person: ContactPerson, owner: User, password: str) -> None:
    invoice = _document(person.contact, "invoice")
    scope = PortalScope(person.organisation, person.contact, person)
    document_services.document_forward(
        scope=scope,
        kind=kind_named("invoice"),
        document=invoice,
        recipients=[ELSEWHERE],
        message="Please pay this one.",
    )


def _checkout(person: ContactPerson) -> Checkout:
    invoice = _document(person.contact, "invoice")
    checkout = Checkout.objects.create(
        organisation=person.organisation,
        contact=person.contact,
        person=person,
        gateway_account=GatewayAccountFactory(organisation=person.organisation),
        amount=Decimal("1234.56"),
        currency=invoice.currency,
        idempotency_key=uuid.uuid4().hex,
        method_kind="bank",
        last4="6789",
        state=Checkout.State.FAILED,
    )
    CheckoutItem.objects.create(checkout=checkout, invoice=invoice, amount=invoice.total)
    return checkout


def _receipt(person: ContactPerson, owner: User, password: str) -> None:
    checkout = _checkout(person)
    checkout.payment = payments.payment(person.contact, "1234.56")
    mail.outbox.append(notices.receipt_email(checkout, "INV-00007", [person.email]).as_message())


def _bank_debit_failed(person: ContactPerson, owner: User, password: str) -> None:
    notices.bank_debit_failed_send(_checkout(person))


def _autopay_failed(person: ContactPerson, owner: User, password: str) -> None:
    invoice = _document(person.contact, "invoice")
    error = PortalError.RECURRING_UNSUPPORTED  # its message in the worker's language
    notices.autopay_failed_send(invoice=invoice, code=error.value, message=str(error.label))


def _invitation(person: ContactPerson, owner: User, password: str) -> None:
    invitations.send_invitation(person)


def _password_reset(person: ContactPerson, owner: User, password: str) -> None:
    enable_with_password(person, password)
    invitations.send_password_reset(person)


def _password_changed(person: ContactPerson, owner: User, password: str) -> None:
    enable_with_password(person, password)
    person.refresh_from_db()
    portal_services.portal_password_change(
        scope_person=person, current=password, new="a new 2nd passphrase!", keep_session_key=None
    )


def _email_change(person: ContactPerson, owner: User, password: str) -> None:
    enable_with_password(person, password)
    person.refresh_from_db()
    self_service.email_change_request(
        scope=PortalScope(person.organisation, person.contact, person),
        current_password=password,
        new_email=ELSEWHERE,
    )


CUSTOMER_EMAILS: dict[str, Callable[[ContactPerson, User, str], None]] = {
    **{slug: _send(slug) for slug in sending.SENDABLE},
    "reminder": _reminder,
    "link-renewed": _link_renewed,
    "forward": _forward,
    "receipt": _receipt,
    "bank-debit-failed": _bank_debit_failed,
    "autopay-failed": _autopay_failed,
    "invitation": _invitation,
    "password-reset": _password_reset,
    "password-changed": _password_changed,
    "email-change": _email_change,
}


def assert_translated(message: Any, language: str) -> None:
    parts = {"subject": message.subject, "text": message.body}
    parts.update({f"html {i}": str(a.content) for i, a in enumerate(message.alternatives)})
    assert parts["html 0"], "no HTML part"
    assert f'lang="{language}"' in parts["html 0"]
    left = {part: english_left(text, language) for part, text in parts.items()}
    assert left == {part: [] for part in parts}, message.subject


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("email", sorted(CUSTOMER_EMAILS))
def test_every_customer_email_is_in_the_persons_language(
    customer_a_person: ContactPerson,
    owner: User,
    password: str,
    django_capture_on_commit_callbacks: Any,
    email: str,
    language: str,
) -> None:
    # given a person who reads `language` at an English-speaking business
    ContactPerson.objects.filter(pk=customer_a_person.pk).update(language=language)
    customer_a_person.refresh_from_db()
    # when the email is sent
    with django_capture_on_commit_callbacks(execute=True):
        CUSTOMER_EMAILS[email](customer_a_person, owner, password)
    # then every one sent to the person (or on their behalf) is in their language
    sent = [m for m in mail.outbox if m.to[0] in (customer_a_person.email, ELSEWHERE)]
    assert sent, email
    for message in sent:
        assert_translated(message, language)


PDF_KINDS = ["invoice", "retainer-invoice", "estimate", "sales-order", "credit-note", "payment"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_pdf_is_in_the_readers_language(customer_a: Contact, language: str) -> None:
    # given a customer of an English-speaking business, and a person of it who reads `language`
    for slug in PDF_KINDS:
        document = _document(customer_a, slug)
        kind: DocumentKind = kind_named(slug)
        # when the PDF's HTML is rendered for that reader
        page = context.document_context(document, kind, language)
        html = rendering.render_html(kind.template, page)
        # then
        assert f'lang="{language}"' in html, slug
        assert english_left(html, language) == [], slug
    statement = statements.statement_for(
        contact=customer_a, start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31)
    )
    assert {line.kind for line in statement.lines} >= {"invoice", "payment", "credit_note"}
    page = context.statement_context(statement, customer_a.organisation, language)
    html = rendering.render_html("documents/statement.html", page)
    assert f'lang="{language}"' in html
    assert english_left(html, language) == [], "statement"
