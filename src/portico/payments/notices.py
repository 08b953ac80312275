"""What the customer is emailed about a payment: the receipt, an autopay that did not charge,
a bank debit that failed. Each is an HTML + text template on the shared email layout, in the
recipient's language (the person's, else the customer's, else the organisation's), with
amounts formatted by currency in the templates.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from portico.activity.mail import (
    OutgoingEmail,
    compose_email,
    language_for,
    send_after_commit,
    site_link,
)
from portico.contacts.models import ContactPerson
from portico.core.errors import portal_message
from portico.payments.models import Checkout
from portico.sales.models import Invoice


def _invoice_link(invoice: Invoice) -> str:
    return site_link(
        reverse(
            "portal:invoice_detail",
            kwargs={"org_slug": invoice.organisation.slug, "invoice_id": invoice.public_id},
        )
    )


def _language_of_checkout(checkout: Checkout) -> str:
    """The language of whom `receipt_recipients` answers: the payer, else the primary person."""
    person = checkout.person
    if person is None and checkout.contact_id is not None:
        person = primary_person_of(checkout.contact_id)
    return language_for(organisation=checkout.organisation, contact=checkout.contact, person=person)


# --- receipt ------------------------------------------------------------------------------------


def receipt_recipients(checkout: Checkout) -> list[str]:
    """The person who paid; for autopay (no person), the customer's primary contact person."""
    if checkout.person is not None:
        return [checkout.person.email] if checkout.person.email else []
    primary = primary_person_of(checkout.contact_id)
    return [primary.email] if primary is not None else []


def primary_person_of(contact_id: int) -> ContactPerson | None:
    """The customer's primary contact person with an email address, if there is one."""
    return (
        ContactPerson.objects.filter(contact_id=contact_id, is_primary=True)
        .exclude(email="")
        .only("email", "language")
        .first()
    )


def receipt_email(checkout: Checkout, numbers: str, recipients: list[str]) -> OutgoingEmail:
    """The receipt of a successful online payment (`numbers`: the invoices it paid)."""
    payment = checkout.payment
    assert payment is not None
    organisation = checkout.organisation
    return compose_email(
        organisation=organisation,
        to=recipients,
        template="payments/email/receipt",
        language=_language_of_checkout(checkout),
        subject=lambda: (
            _("Receipt %(number)s from %(org)s")
            % {"number": payment.number, "org": organisation.name}
        ),
        context={
            "checkout": checkout,
            "payment": payment,
            "person": checkout.person,
            "numbers": numbers,
            "method": f"{checkout.brand or checkout.method_kind} •••• {checkout.last4}".strip(),
            "link": site_link(
                reverse(
                    "portal:payment_detail",
                    kwargs={"org_slug": organisation.slug, "payment_id": payment.public_id},
                )
            ),
        },
    )


# --- autopay ------------------------------------------------------------------------------------


def autopay_failed_send(*, invoice: Invoice, code: str, message: str) -> None:
    """Ask the customer's primary person to pay in the portal: autopay charged nothing."""
    primary = primary_person_of(invoice.contact_id)
    if primary is None:
        return
    organisation = invoice.organisation
    send_after_commit(
        compose_email(
            organisation=organisation,
            to=[primary.email],
            template="payments/email/autopay_failed",
            language=language_for(
                organisation=organisation, contact=invoice.contact, person=primary
            ),
            subject=lambda: (
                _("Automatic payment of %(invoice)s from %(org)s did not go through")
                % {"invoice": invoice.number, "org": organisation.name}
            ),
            context={
                "invoice": invoice,
                "code": code,
                # A published CP code is explained in the reader's language.
                "message": lambda: portal_message(code, message),
                "link": _invoice_link(invoice),
            },
        )
    )


# --- bank debits --------------------------------------------------------------------------------


def bank_debit_failed_send(checkout: Checkout) -> None:
    """Tell the customer their pending bank debit failed: nothing was taken, the invoices are
    open again. Goes to the person who paid, else the customer's primary person."""
    recipients = receipt_recipients(checkout)
    if not recipients:
        return
    organisation = checkout.organisation
    invoices = [
        item.invoice
        for item in checkout.items.select_related("invoice", "invoice__organisation").order_by(
            "invoice_id"
        )
    ]
    send_after_commit(
        compose_email(
            organisation=organisation,
            to=recipients,
            template="payments/email/bank_debit_failed",
            language=_language_of_checkout(checkout),
            subject=lambda: (
                _("Your bank debit to %(org)s did not go through") % {"org": organisation.name}
            ),
            context={
                "checkout": checkout,
                "person": checkout.person,
                "invoices": [(invoice, _invoice_link(invoice)) for invoice in invoices],
                "link": site_link(
                    reverse("portal:invoices", kwargs={"org_slug": organisation.slug})
                ),
            },
        )
    )
