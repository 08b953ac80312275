"""Autopay: a recurring profile's new invoice is charged to the customer's default saved method.

The charge is an ordinary checkout (the same rules, locks and exactly-once posting), keyed by
the invoice: `autopay:<invoice>` can only ever make one charge, however often the task runs.
When the account cannot charge (CP3001 reference charges off, CP4002 no recurring charges, a
decline…), nothing is charged, the business is told the remedy and the customer is asked to
pay in the portal.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portico.activity import services as activity_services
from portico.activity.models import Notification
from portico.contacts.models import Contact, ContactPerson
from portico.contacts.scope import PortalScope
from portico.core import text as typed
from portico.core.errors import DomainError, PortalFailure, portal_message
from portico.orgs.models import Organisation
from portico.payments import notices
from portico.payments.checkout import selectors as checkout_selectors
from portico.payments.checkout import services as checkout_services
from portico.payments.gateways.base import MethodKind
from portico.payments.models import Checkout, SavedMethod
from portico.sales.models import Invoice, RecurringProfile

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

logger = logging.getLogger(__name__)

BUSY_CODES = frozenset({"in_progress", "payment_pending"})


@dataclass(frozen=True)
class AutopayPayer:
    """The customer paying by itself: no contact person acts."""

    organisation: Organisation
    contact: Contact
    person: ContactPerson | None = None


@dataclass(frozen=True)
class AutopayOutcome:
    """What autopay did for one invoice: a checkout, or why none was made."""

    checkout: Checkout | None = None
    code: str = ""
    message: str = ""

    @property
    def charged(self) -> bool:
        return self.checkout is not None and self.checkout.state in (
            Checkout.State.SUCCEEDED,
            Checkout.State.PENDING,
        )


def autopay_key(invoice: Invoice) -> str:
    return f"autopay:{invoice.public_id}"


def default_method_of(contact: Contact) -> SavedMethod | None:
    """The method autopay charges: the default one the customer may still use."""
    methods = SavedMethod.objects.filter(
        organisation_id=contact.organisation_id, contact=contact, is_default=True
    )
    if not contact.allow_bank_debit:
        methods = methods.exclude(kind=MethodKind.BANK)
    return methods.select_related("gateway_account").first()


def autopay_charge(*, invoice_id: int) -> AutopayOutcome:
    """Charge a recurring invoice to its customer's default method, once. Safe to run twice."""
    invoice = (
        Invoice.objects.select_related("recurring_profile", "contact", "organisation")
        .filter(pk=invoice_id)
        .first()
    )
    if invoice is None:
        return AutopayOutcome(code="missing", message="The invoice no longer exists.")
    profile = invoice.recurring_profile
    if profile is None or not profile.autopay:
        return AutopayOutcome(code="autopay_off", message=_("Autopay is off for this invoice."))
    payer = AutopayPayer(organisation=invoice.organisation, contact=invoice.contact)
    done = checkout_selectors.checkout_by_key(scope=payer, key=autopay_key(invoice))
    if done is not None:
        return AutopayOutcome(checkout=done)
    if invoice.status not in Invoice.PAYABLE_STATUSES or invoice.balance_due <= 0:
        return AutopayOutcome(code="nothing_due", message=_("Nothing is due on this invoice."))
    method = default_method_of(invoice.contact)
    if method is None:
        outcome = AutopayOutcome(
            code="no_default_method",
            message=_("The customer has no default saved card or bank account."),
        )
        _tell_both(
            invoice, outcome, remedy=gettext_lazy("Ask the customer to save a card in the portal.")
        )
        return outcome
    try:
        made = checkout_services.checkout_start(
            scope=payer,
            invoices=[invoice],
            idempotency_key=autopay_key(invoice),
            saved_method=method,
            method_kind=method.kind,
            autopay=True,
        )
    except PortalFailure as exc:
        # The business was told, with the remedy, by the checkout's preflight.
        outcome = AutopayOutcome(code=exc.code, message=exc.message)
        _email_customer(invoice, outcome)
        return outcome
    except DomainError as exc:
        raced = checkout_selectors.checkout_by_key(scope=payer, key=autopay_key(invoice))
        if raced is not None:
            return AutopayOutcome(checkout=raced)  # another worker is charging this invoice
        outcome = AutopayOutcome(code=exc.code or "refused", message=exc.message)
        if exc.code in BUSY_CODES:
            # The customer is paying it themselves right now: nothing to tell anyone.
            logger.info("autopay of %s skipped: %s", invoice.number, exc.code)
            return outcome
        _tell_both(invoice, outcome, remedy="")
        return outcome
    if made.state == Checkout.State.FAILED:
        _email_customer(
            invoice, AutopayOutcome(checkout=made, code=made.error_code, message=made.error_message)
        )
    return AutopayOutcome(checkout=made)


def _tell_both(invoice: Invoice, outcome: AutopayOutcome, *, remedy: _StrOrPromise) -> None:
    def text() -> str:
        words = typed.fill(
            _("Autopay of %(invoice)s for %(customer)s did not charge (%(code)s: %(message)s)."),
            {
                "invoice": invoice.number,
                "customer": invoice.contact.display_name,
                "code": outcome.code,
                "message": portal_message(outcome.code, outcome.message),
            },
        )
        return f"{words} {_('Remedy:')} {remedy}" if remedy else words

    activity_services.notification_create(
        organisation=invoice.organisation,
        kind=Notification.Kind.PAYMENT_FAILED,
        event_key=f"autopay_failed:{invoice.public_id}",
        text=text,
        contact=invoice.contact,
        target=invoice,
    )
    _email_customer(invoice, outcome)


def _email_customer(invoice: Invoice, outcome: AutopayOutcome) -> None:
    """Ask the customer's primary person to pay in the portal instead."""
    notices.autopay_failed_send(invoice=invoice, code=outcome.code, message=outcome.message)


def autopay_enqueue(invoice: Invoice) -> None:
    """After the invoice's transaction commits, charge it in the background."""
    from portico.payments.tasks import autopay_invoice

    transaction.on_commit(lambda: autopay_invoice.enqueue(invoice.pk))


# --- the customer's side -------------------------------------------------------------------------


def customers_may_turn_off(organisation: Organisation) -> bool:
    return checkout_services.settings_for(organisation).customers_may_turn_off_autopay


@transaction.atomic
def autopay_turn_off(
    *,
    scope: PortalScope,
    profile: RecurringProfile,
    origin: activity_services.Origin | None = None,
) -> RecurringProfile:
    """The customer stops autopay on one of their recurring profiles (where the business lets
    them); the business is notified and can turn it on again."""
    if profile.organisation_id != scope.organisation.pk or profile.contact_id != scope.contact.pk:
        raise DomainError("This profile belongs to someone else.", code="foreign_record")
    if not customers_may_turn_off(scope.organisation):
        raise DomainError(
            _("Please contact %(org)s to change automatic payments.")
            % {"org": scope.organisation.name},
            code="autopay_locked",
        )
    locked = RecurringProfile.objects.select_for_update().get(pk=profile.pk)
    if not locked.autopay:
        return locked
    locked.autopay = False
    locked.autopay_turned_off_at = timezone.now()
    locked.save(update_fields=["autopay", "autopay_turned_off_at", "updated_at"])
    activity_services.activity_record(
        scope=scope, action="autopay_off", detail=typed.isolate(locked.name), origin=origin
    )
    activity_services.notification_create(
        organisation=scope.organisation,
        kind=Notification.Kind.AUTOPAY_OFF,
        event_key=f"autopay_off:{locked.public_id}:{locked.autopay_turned_off_at.isoformat()}",
        text=lambda: typed.fill(
            _("%(customer)s turned off autopay for “%(profile)s”."),
            {"customer": scope.contact.display_name, "profile": locked.name},
        ),
        contact=scope.contact,
        person=scope.person,
    )
    return locked
