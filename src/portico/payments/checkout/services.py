"""Online checkout: charge once through the business's gateway, post the result once.

The order of steps is the point (DESIGN.md §6, STYLE.md rule 9):

1. Amounts are recomputed from the database and checked; preflight and account checks run;
   nothing is charged when any of them fails.
2. Under row locks on the invoices, the `Checkout` row and its idempotency key are committed.
   An open checkout on an invoice is its "payment in progress" marker: a second payer is
   refused until it ends.
3. The gateway is called with no transaction open and no lock held.
4. The result is posted in its own transaction, under a lock on the checkout row, so a
   webhook, a reconcile run and the request itself post it exactly once.

`checkout_start` is therefore not one `@transaction.atomic` block on purpose.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portico.activity import services as activity_services
from portico.activity.mail import send_after_commit
from portico.contacts.models import Contact, ContactPerson
from portico.core import events, formats
from portico.core import text as typed
from portico.core.errors import (
    PORTAL_ERROR_REMEDIES,
    PortalError,
    PortalFailure,
    portal_message,
)
from portico.orgs.models import GatewayAccount, Organisation, Tax
from portico.payments import gateway_choice, notices
from portico.payments import services as payment_services
from portico.payments.checkout import plan as checkout_plan
from portico.payments.checkout import selectors
from portico.payments.checkout.plan import AmountChanged, CheckoutRefused, plan_build
from portico.payments.gateways import registry
from portico.payments.gateways.base import (
    BillingAddress,
    ChargeRequest,
    ChargeResult,
    ChargeStatus,
    CustomerAction,
    GatewayError,
    MethodKind,
    check_account_settings,
)
from portico.payments.models import (
    Checkout,
    CheckoutItem,
    CheckoutSettings,
    PaymentMode,
    SavedMethod,
)
from portico.sales.models import Invoice

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


class Payer(Protocol):
    """Who pays: a person in the portal (`PortalScope`), or a customer's autopay (no person)."""

    @property
    def organisation(self) -> Organisation: ...

    @property
    def contact(self) -> Contact: ...

    @property
    def person(self) -> ContactPerson | None: ...


logger = logging.getLogger(__name__)

ZERO = Decimal(0)
State = Checkout.State
FAILED_NOTIFICATION = "payment_failed"


# --- preflight -----------------------------------------------------------------------------------


def settings_for(organisation: Organisation) -> CheckoutSettings:
    found = CheckoutSettings.objects.filter(organisation=organisation).first()
    return found or CheckoutSettings(organisation=organisation)


def _preflight(*, contact: Contact, invoices: Sequence[Invoice]) -> None:
    if contact.is_deleted:
        raise PortalFailure(PortalError.CONTACT_DELETED)
    for invoice in invoices:
        profile = invoice.recurring_profile
        if profile is not None and profile.is_deleted:
            raise PortalFailure(PortalError.RECURRING_PROFILE_DELETED)
    if not Tax.objects.filter(organisation_id=contact.organisation_id, is_default=True).exists():
        raise PortalFailure(PortalError.NO_DEFAULT_TAX)


def _notify_failure(
    *,
    organisation: Organisation,
    contact: Contact,
    person: ContactPerson | None,
    key: str,
    code: str,
    message: str,
    remedy: _StrOrPromise,
) -> None:
    def text() -> str:
        words = typed.fill(
            _("Online payment by %(customer)s failed (%(code)s: %(message)s)."),
            {
                "customer": contact.display_name,
                "code": code,
                "message": portal_message(code, message),
            },
        )
        return f"{words} {_('Remedy:')} {remedy}" if remedy else words

    activity_services.notification_create(
        organisation=organisation,
        kind=FAILED_NOTIFICATION,
        event_key=f"checkout_failed:{key}",
        text=text,
        contact=contact,
        person=person,
    )


def _failure(
    exc: PortalFailure | GatewayError, *, scope: Payer, key: str
) -> PortalFailure | CheckoutRefused:
    """Tell the business (with the remedy when there is one) and hand the view its error."""
    error = exc.error
    remedy = PORTAL_ERROR_REMEDIES[error] if error is not None else ""
    _notify_failure(
        organisation=scope.organisation,
        contact=scope.contact,
        person=scope.person,
        key=key,
        code=exc.code,
        message=exc.message,
        remedy=remedy,
    )
    if isinstance(exc, PortalFailure):
        return exc
    if error is not None:
        return PortalFailure(error)
    return CheckoutRefused(exc.message, code=exc.code)


# --- start ---------------------------------------------------------------------------------------


def _open_checkout_on(invoice_ids: Sequence[int]) -> Checkout | None:
    return (
        Checkout.objects.filter(items__invoice_id__in=invoice_ids, state__in=Checkout.OPEN_STATES)
        .order_by("pk")
        .first()
    )


def _refuse_busy(busy: Checkout, *, prevent_duplicates: bool) -> None:
    if busy.state == State.PENDING:
        if prevent_duplicates:
            raise CheckoutRefused(
                _(
                    "A bank debit for this invoice is pending; it cannot be paid again until it "
                    "settles."
                ),
                code="payment_pending",
            )
        return
    raise CheckoutRefused(
        _(
            "A payment of this invoice is already in progress. Please wait a moment and "
            "reload the page."
        ),
        code="in_progress",
    )


@transaction.atomic
def _checkout_create(
    *,
    scope: Payer,
    account: GatewayAccount,
    invoice_ids: Sequence[int],
    amounts: Mapping[int, object] | None,
    amount: object | None,
    expected_balances: Mapping[int, Decimal] | None,
    expected_digest: str | None,
    method_kind: str,
    saved_method: SavedMethod | None,
    save_method: bool,
    idempotency_key: str,
    autopay: bool,
) -> tuple[Checkout, bool]:
    """Lock the invoices (pk order: no deadlocks), re-plan from them, write the checkout.
    Answers (checkout, created)."""
    locked = list(
        Invoice.objects.select_for_update(of=("self",))
        .filter(organisation=scope.organisation, contact=scope.contact, pk__in=invoice_ids)
        .select_related("recurring_profile")
        .order_by("pk")
    )
    existing = selectors.checkout_by_key(scope=scope, key=idempotency_key)
    if existing is not None:
        return existing, False
    busy = _open_checkout_on([i.pk for i in locked])
    if busy is not None:
        _refuse_busy(
            busy, prevent_duplicates=settings_for(scope.organisation).prevent_duplicate_payments
        )
    if expected_balances is not None and checkout_plan.balances_changed(locked, expected_balances):
        raise AmountChanged()
    if expected_digest is not None and checkout_plan.balances_digest(locked) != expected_digest:
        raise AmountChanged()
    plan = plan_build(
        invoices=locked, currency=scope.contact.currency, amounts=amounts, amount=amount
    )
    checkout = Checkout.objects.create(
        organisation=scope.organisation,
        contact=scope.contact,
        person=scope.person,
        gateway_account=account,
        amount=plan.total,
        currency=plan.currency,
        idempotency_key=idempotency_key,
        state=State.PROCESSING,
        method_kind=saved_method.kind if saved_method else method_kind,
        brand=saved_method.brand if saved_method else "",
        last4=saved_method.last4 if saved_method else "",
        save_method=save_method,
        saved_method=saved_method,
        autopay=autopay,
    )
    CheckoutItem.objects.bulk_create(
        CheckoutItem(checkout=checkout, invoice=invoice, amount=part)
        for invoice, part in plan.items
    )
    return checkout, True


def checkout_start(
    *,
    scope: Payer,
    invoices: Sequence[Invoice],
    idempotency_key: str,
    amounts: Mapping[int, object] | None = None,
    amount: object | None = None,
    expected_balances: Mapping[int, Decimal] | None = None,
    expected_digest: str | None = None,
    token: str = "",
    method_kind: str = MethodKind.CARD,
    saved_method: SavedMethod | None = None,
    save_method: bool = False,
    billing: BillingAddress | None = None,
    account: GatewayAccount | None = None,
    autopay: bool = False,
) -> Checkout:
    """Pay `invoices` (already scoped to `scope` by a selector) once per `idempotency_key`,
    through `account` (or the saved method's, or the first gateway the invoices offer).

    `expected_balances` (invoice pk → balance) or `expected_digest` (`plan.balances_digest` of
    the invoices as the payer saw them) refuse with `AmountChanged` when they changed since.

    Answers the checkout (succeeded, pending, failed or unknown). Raises `CheckoutRefused`,
    `AmountChanged` or `PortalFailure` when nothing was charged.
    """
    key = (idempotency_key or "").strip()[:80]
    if not key:
        raise CheckoutRefused(_("The payment form expired; reload the page."), code="no_key")
    existing = selectors.checkout_by_key(scope=scope, key=key)
    if existing is not None:
        return existing
    if bool(token) == (saved_method is not None):
        raise CheckoutRefused(_("Enter your card or bank details."), code="no_method")
    if saved_method is not None and (
        saved_method.contact_id != scope.contact.pk
        or saved_method.organisation_id != scope.organisation.pk
    ):
        raise CheckoutRefused(_("That saved method is not yours."), code="foreign_method")
    if method_kind == MethodKind.BANK and not scope.contact.allow_bank_debit:
        raise CheckoutRefused(_("Bank debit is not offered to you."), code="bank_not_allowed")
    if expected_balances is not None and checkout_plan.balances_changed(
        invoices, expected_balances
    ):
        raise AmountChanged()
    if expected_digest is not None and checkout_plan.balances_digest(invoices) != expected_digest:
        raise AmountChanged()
    # Plan once without locks to refuse bad input before anything is written.
    plan = plan_build(
        invoices=invoices, currency=scope.contact.currency, amounts=amounts, amount=amount
    )
    account = gateway_choice.gateway_choose(
        organisation=scope.organisation,
        invoices=invoices,
        account=saved_method.gateway_account if saved_method else account,
    )
    try:
        _preflight(contact=scope.contact, invoices=invoices)
        config = registry.config_for(account)
        check_account_settings(
            config,
            ChargeRequest(
                amount=plan.total,
                currency=plan.currency,
                idempotency_key=key,
                token=token or None,
                saved_method_ref=saved_method.reference if saved_method else None,
                recurring=autopay,
            ),
        )
    except (PortalFailure, GatewayError) as exc:
        raise _failure(exc, scope=scope, key=key) from None
    try:
        checkout, created = _checkout_create(
            scope=scope,
            account=account,
            invoice_ids=[i.pk for i in invoices],
            amounts=amounts,
            amount=amount,
            expected_balances=expected_balances,
            expected_digest=expected_digest,
            method_kind=method_kind,
            saved_method=saved_method,
            save_method=save_method,
            idempotency_key=key,
            autopay=autopay,
        )
    except IntegrityError:
        # The same key committed by a concurrent request: answer with that checkout.
        return Checkout.objects.get(
            organisation=scope.organisation, contact=scope.contact, idempotency_key=key
        )
    if not created:
        return checkout
    return _charge(checkout, token=token, billing=billing)


def _charge(checkout: Checkout, *, token: str, billing: BillingAddress | None) -> Checkout:
    gateway = registry.gateway_for(checkout.gateway_account)
    request = ChargeRequest(
        amount=checkout.amount,
        currency=checkout.currency,
        idempotency_key=f"checkout:{checkout.public_id}",
        token=token or None,
        saved_method_ref=checkout.saved_method.reference if checkout.saved_method else None,
        description=", ".join(
            item.invoice.number for item in checkout.items.select_related("invoice")
        ),
        customer_ref=str(checkout.contact.public_id),
        save_method=checkout.save_method and not checkout.saved_method_id,
        billing=billing,
        method_kind=checkout.method_kind,
        recurring=checkout.autopay,
    )
    try:
        result = gateway.charge(request)
    except GatewayError as exc:
        return _fail_without_transaction(checkout, exc)
    except Exception:
        logger.exception("checkout %s: gateway call ended without an answer", checkout.public_id)
        return _mark_unknown(checkout)
    try:
        return checkout_apply_result(checkout_id=checkout.pk, result=result)
    except Exception:
        logger.exception("checkout %s: charged but not posted; reconcile will", checkout.public_id)
        return _mark_unknown(checkout)


def _mark_unknown(checkout: Checkout) -> Checkout:
    """The gateway's answer was lost: the customer sees "being confirmed" until a reconcile,
    queued now to run within the minute, asks the gateway what happened."""
    from portico.payments import tasks

    marked = Checkout.objects.filter(pk=checkout.pk, state=State.PROCESSING).update(
        state=State.UNKNOWN, updated_at=timezone.now()
    )
    if marked:
        transaction.on_commit(lambda: tasks.reconcile_checkout_soon(checkout.pk))
    checkout.refresh_from_db()
    return checkout


@transaction.atomic
def _fail_without_transaction(checkout: Checkout, exc: GatewayError) -> Checkout:
    locked = Checkout.objects.select_for_update().get(pk=checkout.pk)
    if locked.state not in (State.PROCESSING, State.UNKNOWN):
        return locked
    # Nothing was charged: the attempt ends and the invoices are open to a new one.
    set_failed(locked, code=exc.code, message=exc.message)
    _notify_checkout_failure(locked, error=exc.error)
    return locked


def set_failed(checkout: Checkout, *, code: str, message: str) -> None:
    checkout.state = State.FAILED
    checkout.error_code = code[:40]
    checkout.error_message = message[:300]
    checkout.completed_at = timezone.now()
    checkout.save(
        update_fields=["state", "error_code", "error_message", "completed_at", "updated_at"]
    )


def _notify_checkout_failure(checkout: Checkout, *, error: PortalError | None) -> None:
    _notify_failure(
        organisation=checkout.organisation,
        contact=checkout.contact,
        person=checkout.person,
        key=checkout.idempotency_key,
        code=checkout.error_code,
        message=checkout.error_message,
        remedy=PORTAL_ERROR_REMEDIES[error] if error is not None else "",
    )


# --- posting the result --------------------------------------------------------------------------


@transaction.atomic
def checkout_apply_result(*, checkout_id: int, result: ChargeResult) -> Checkout:
    """Post what the gateway answered, exactly once (the checkout row is locked and checked)."""
    checkout = (
        Checkout.objects.select_for_update(of=("self",))
        .select_related("contact", "organisation", "gateway_account", "person")
        .get(pk=checkout_id)
    )
    if checkout.state not in (State.PROCESSING, State.UNKNOWN, State.PENDING):
        return checkout
    if result.currency != checkout.currency or result.amount != checkout.amount:
        # Whoever reported it (the charge, a webhook, reconcile), it is not this checkout's.
        logger.error(
            "checkout %s: the gateway reported %s %s (%s) for %s %s; refused, nothing booked",
            checkout.public_id,
            result.amount,
            result.currency,
            result.transaction_id,
            checkout.amount,
            checkout.currency,
        )
        return checkout
    was_pending = checkout.state == State.PENDING
    checkout.gateway_transaction_id = result.transaction_id
    checkout.method_kind = result.method_kind or checkout.method_kind
    checkout.brand = result.brand or checkout.brand
    checkout.last4 = (result.last4 or checkout.last4)[-4:]
    if result.saved_method is not None and checkout.saved_method_id is None:
        checkout.saved_method = _saved_method_keep(checkout=checkout, result=result)
    fields = [
        "gateway_transaction_id",
        "method_kind",
        "brand",
        "last4",
        "saved_method",
        "updated_at",
    ]
    if result.action_required:
        # The bank asks the customer to authenticate first: the checkout page lets them
        # (`checkout_customer_action`); until then the checkout stays processing.
        checkout.state = State.PROCESSING
        checkout.save(update_fields=[*fields, "state"])
        return checkout
    if result.status == ChargeStatus.PENDING:
        checkout.state = State.PENDING
        checkout.save(update_fields=[*fields, "state"])
        if not was_pending:
            _emit(checkout, "payment.pending")
        return checkout
    checkout.save(update_fields=fields)
    if result.status == ChargeStatus.FAILED:
        error = result.error
        set_failed(
            checkout,
            code=error.value if error else (result.decline_code or "declined"),
            message=result.message or _("The payment was declined."),
        )
        _notify_checkout_failure(checkout, error=error)
        _emit(checkout, "payment.failed", error_code=checkout.error_code)
        return checkout
    _post_payment(checkout)
    if was_pending:
        _emit(checkout, "payment.settled")
    return checkout


def _emit(checkout: Checkout, type: str, **extra: str) -> None:
    payment = checkout.payment
    events.emit(
        organisation_id=checkout.organisation_id,
        type=type,
        data=events.object_data(
            "checkout",
            checkout,
            state=checkout.state,
            payment=str(payment.public_id) if payment is not None else None,
            **extra,
        ),
    )


def _saved_method_keep(*, checkout: Checkout, result: ChargeResult) -> SavedMethod:
    from portico.payments import saved_methods

    assert result.saved_method is not None
    return saved_methods.saved_method_keep(
        contact=checkout.contact, account=checkout.gateway_account, method=result.saved_method
    )


def _post_payment(checkout: Checkout) -> None:
    items = list(checkout.items.select_related("invoice").order_by("invoice_id"))
    # Staff may have recorded a payment meanwhile: allocate what is still due, the rest is credit.
    balances = dict(
        Invoice.objects.select_for_update()
        .filter(pk__in=[item.invoice_id for item in items])
        .order_by("pk")
        .values_list("pk", "balance_due")
    )
    allocations = []
    for item in items:
        invoice = item.invoice
        part = min(item.amount, balances.get(invoice.pk, ZERO))
        payable = part > 0 and invoice.status in Invoice.PAYABLE_STATUSES
        if payable and (invoice.allow_partial_payment or part == balances[invoice.pk]):
            allocations.append((invoice, part))
    mode = PaymentMode.BANK_DEBIT if checkout.method_kind == MethodKind.BANK else PaymentMode.CARD
    payment = payment_services.payment_record(
        contact=checkout.contact,
        amount=checkout.amount,
        date=timezone.localdate(),
        mode=mode,
        reference=checkout.gateway_transaction_id,
        allocations=allocations,
        source="online",
        gateway=checkout.gateway_account.kind,
        gateway_transaction_id=checkout.gateway_transaction_id,
    )
    checkout.payment = payment
    checkout.state = State.SUCCEEDED
    checkout.completed_at = timezone.now()
    checkout.save(update_fields=["payment", "state", "completed_at", "updated_at"])
    numbers = ", ".join(item.invoice.number for item in items)
    activity_services.notification_create(
        organisation=checkout.organisation,
        kind="paid",
        event_key=f"paid:checkout:{checkout.public_id}",
        text=lambda: typed.fill(
            _("%(customer)s paid %(amount)s online (%(invoices)s)."),
            {"customer": checkout.contact.display_name},
            words={
                "amount": formats.format_money(checkout.amount, checkout.currency),
                "invoices": typed.listing(item.invoice.number for item in items),
            },
        ),
        contact=checkout.contact,
        person=checkout.person,
        payment=payment,
    )
    recipients = notices.receipt_recipients(checkout)
    if recipients:
        send_after_commit(notices.receipt_email(checkout, numbers, recipients))


@transaction.atomic
def checkout_settle(*, checkout_id: int, result: ChargeResult) -> Checkout:
    """Post a gateway's answer (`checkout_apply_result`) and, when it turns a pending bank
    debit into a failure, email the customer. The row is locked first, so of two deliveries of
    the same outcome only the one that changed the state sends the email."""
    was = (
        Checkout.objects.select_for_update()
        .filter(pk=checkout_id)
        .values_list("state", flat=True)
        .get()
    )
    checkout = checkout_apply_result(checkout_id=checkout_id, result=result)
    if was == Checkout.State.PENDING and checkout.state == Checkout.State.FAILED:
        notices.bank_debit_failed_send(checkout)
    return checkout


def checkout_customer_action(*, checkout: Checkout) -> CustomerAction | None:
    """What the checkout page runs for a charge waiting on the customer's authentication
    (3-D Secure), or None. Asks the gateway only for a processing checkout it has answered."""
    if checkout.state != State.PROCESSING or not checkout.gateway_transaction_id:
        return None
    gateway = registry.gateway_for(checkout.gateway_account)
    try:
        return gateway.customer_action(transaction_id=checkout.gateway_transaction_id)
    except GatewayError as exc:
        logger.warning("checkout %s: no customer action: %s", checkout.public_id, exc.code)
        return None


def checkout_after_action(*, checkout: Checkout) -> Checkout:
    """The customer has authenticated (or given up) on the checkout page: post what the
    gateway now says. A charge still waiting is left for the customer, or for reconcile."""
    if checkout.state != State.PROCESSING or not checkout.gateway_transaction_id:
        return checkout
    gateway = registry.gateway_for(checkout.gateway_account)
    result = gateway.retrieve_charge(idempotency_key=f"checkout:{checkout.public_id}")
    if result is None or result.action_required:
        return checkout
    return checkout_settle(checkout_id=checkout.pk, result=result)


def new_key() -> str:
    return uuid.uuid4().hex


def checkout_credit_apply(*, scope: Payer, invoices: Sequence[Invoice]) -> Decimal:
    """Spend the customer's unused credit on the chosen invoices (oldest due first) before
    paying the rest; answers the amount applied. Retainers take no credit."""
    applied = ZERO
    for invoice in invoices:
        if invoice.kind != Invoice.Kind.REGULAR or invoice.contact_id != scope.contact.pk:
            continue
        if invoice.status not in Invoice.PAYABLE_STATUSES or invoice.balance_due <= 0:
            continue
        applied += payment_services.credit_apply_available(invoice=invoice)
    return applied
