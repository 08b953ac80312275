"""The one protocol every payment gateway implements, with frozen dataclasses in and out.

Two ways a call can go wrong, on purpose kept apart:

* `GatewayError` is raised when the gateway refused the request and **no transaction
  exists** (bad credentials, an account setting such as CP4003, a used token, the gateway
  unreachable). `retry_safe` says whether the same request may simply be sent again.
* A `ChargeResult` with `status == FAILED` is a transaction the gateway recorded and
  declined (generic decline, insufficient funds, fraud filter CP3003, address check CP3004,
  duplicate CP3005, processing error). It has a `transaction_id`, and sending the same
  idempotency key again returns the same result.

Card numbers and CVVs never pass through here: charges take a one-time token from the
gateway's hosted fields, or the reference of a saved method.
"""

from __future__ import annotations

import abc
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import ClassVar

from django.db import models
from django.http import HttpRequest
from django.utils import translation
from django.utils.functional import Promise as StrPromise
from django.utils.translation import gettext_lazy as _

from portico.core.errors import PortalError
from portico.core.timezones import supported_language


class ChargeStatus(models.TextChoices):
    SUCCEEDED = "succeeded", _("succeeded")
    PENDING = "pending", _("pending")
    FAILED = "failed", _("failed")


class MethodKind(models.TextChoices):
    CARD = "card", _("card")
    BANK = "bank", _("bank account")


class DeclineCode(models.TextChoices):
    """Why a recorded transaction failed; the CP-coded ones also carry `PortalError`."""

    CARD_DECLINED = "card_declined", _("The card was declined.")
    INSUFFICIENT_FUNDS = "insufficient_funds", _("The card has insufficient funds.")
    PROCESSING_ERROR = (
        "processing_error",
        _("The payment could not be processed. Please try again."),
    )
    FRAUD = "fraud", PortalError.FRAUD_FILTER.label
    ADDRESS_VERIFICATION = "address_verification", PortalError.ADDRESS_VERIFICATION.label
    DUPLICATE = "duplicate", PortalError.DUPLICATE.label
    ACCOUNT_CLOSED = "account_closed", _("The bank account is closed.")


DECLINE_PORTAL_ERRORS: dict[str, PortalError] = {
    DeclineCode.FRAUD: PortalError.FRAUD_FILTER,
    DeclineCode.ADDRESS_VERIFICATION: PortalError.ADDRESS_VERIFICATION,
    DeclineCode.DUPLICATE: PortalError.DUPLICATE,
}
RETRY_SAFE_DECLINES = frozenset({DeclineCode.PROCESSING_ERROR})


class GatewayError(Exception):
    """The gateway refused a request; no transaction was made.

    `code` is a `PortalError` value (CP3002…) when the refusal maps to one, otherwise a
    stable gateway code such as "token_invalid", "card_declined" or "gateway_unavailable".
    """

    def __init__(
        self, code: PortalError | str, message: str | None = None, *, retry_safe: bool = False
    ) -> None:
        self.error: PortalError | None = (
            code if isinstance(code, PortalError) else _portal_error_or_none(code)
        )
        self.code = str(code.value if isinstance(code, PortalError) else code)
        self.message = message or (str(self.error.label) if self.error else self.code)
        self.retry_safe = retry_safe
        super().__init__(f"{self.code}: {self.message}")


def _portal_error_or_none(code: str) -> PortalError | None:
    try:
        return PortalError(code)
    except ValueError:
        return None


@dataclass(frozen=True)
class BillingAddress:
    name: str = ""
    line1: str = ""
    line2: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    country: str = ""


@dataclass(frozen=True)
class GatewayConfig:
    """What the adapter needs from a business's gateway account (see orgs.GatewayAccount)."""

    kind: str
    account_ref: str
    publishable_key: str
    secret_key: str
    webhook_secret: str
    currencies: tuple[str, ...] = ()
    minimum_amount: Decimal = Decimal("0")
    duplicate_window_minutes: int = 10
    reference_transactions_enabled: bool = True
    recurring_enabled: bool = True
    required_address_fields: tuple[str, ...] = ()
    currency_minimums: Mapping[str, Decimal] = field(default_factory=dict)
    """The gateway's own smallest charge per currency (Stripe's), beside the account's minimum."""

    def minimum_for(self, currency: str) -> Decimal:
        return max(self.minimum_amount, self.currency_minimums.get(currency, Decimal(0)))


@dataclass(frozen=True)
class ChargeRequest:
    """Exactly one of `token` (one-time, from hosted fields) or `saved_method_ref`."""

    amount: Decimal
    currency: str
    idempotency_key: str
    token: str | None = None
    saved_method_ref: str | None = None
    description: str = ""
    customer_ref: str = ""
    recurring: bool = False
    save_method: bool = False
    billing: BillingAddress | None = None
    method_kind: str | None = None
    """The kind the payer chose (card | bank); a source of another kind is refused uncharged."""


@dataclass(frozen=True)
class SavedMethodResult:
    reference: str
    kind: str
    brand: str
    last4: str
    exp_month: int | None = None
    exp_year: int | None = None
    billing: BillingAddress = field(default_factory=BillingAddress)


@dataclass(frozen=True)
class ChargeResult:
    transaction_id: str
    status: ChargeStatus
    amount: Decimal
    currency: str
    idempotency_key: str
    method_kind: str = MethodKind.CARD
    brand: str = ""
    last4: str = ""
    decline_code: str = ""
    error: PortalError | None = None
    message: str = ""
    retry_safe: bool = False
    saved_method: SavedMethodResult | None = None
    created_at: datetime | None = None
    action_required: bool = False
    """PENDING because the card's bank asks the customer to authenticate (3-D Secure) first:
    `Gateway.customer_action` says how the checkout page lets them."""

    @property
    def succeeded(self) -> bool:
        return self.status == ChargeStatus.SUCCEEDED

    @property
    def pending(self) -> bool:
        return self.status == ChargeStatus.PENDING

    @property
    def failed(self) -> bool:
        return self.status == ChargeStatus.FAILED


@dataclass(frozen=True)
class CustomerAction:
    """What the checkout page runs for a charge waiting on the customer (3-D Secure): the
    gateway's script, the public key and the charge's client secret; `csp` widens the page's
    Content-Security-Policy for that script."""

    script_url: str
    publishable_key: str
    client_secret: str
    csp: Mapping[str, list[str]]


@dataclass(frozen=True)
class SaveMethodRequest:
    token: str
    customer_ref: str = ""


@dataclass(frozen=True)
class UpdateMethodRequest:
    reference: str
    exp_month: int | None = None
    exp_year: int | None = None
    billing: BillingAddress | None = None


@dataclass(frozen=True)
class RefundRequest:
    transaction_id: str
    amount: Decimal
    idempotency_key: str
    reason: str = ""


@dataclass(frozen=True)
class RefundResult:
    refund_id: str
    transaction_id: str
    amount: Decimal
    currency: str
    status: ChargeStatus


@dataclass(frozen=True)
class WebhookEvent:
    """A verified event. `event_id` is unique at the gateway: de-duplicate on it."""

    event_id: str
    type: str
    transaction_id: str
    status: ChargeStatus
    amount: Decimal
    currency: str
    idempotency_key: str
    created_at: datetime
    decline_code: str = ""
    error: PortalError | None = None
    message: str = ""


class Gateway(abc.ABC):
    """One payment gateway account. Build it with `registry.gateway_for(account)`."""

    kind: ClassVar[str]
    label: ClassVar[str | StrPromise]
    method_kinds: ClassVar[frozenset[str]] = frozenset({MethodKind.CARD, MethodKind.BANK})
    currency_minimums: ClassVar[Mapping[str, Decimal]] = {}
    """What the hosted fields collect: a gateway without bank debit leaves it out."""

    def __init__(self, config: GatewayConfig) -> None:
        self.config = config

    @classmethod
    def key_errors(
        cls, *, publishable_key: str, secret_key: str, webhook_secret: str
    ) -> dict[str, str]:
        """Field errors for keys of the wrong format or mode, found without calling out."""
        return {}

    def webhook_path(self) -> str:
        """Where this account's webhooks are received (the business registers it at the gateway)."""
        return ""

    @abc.abstractmethod
    def verify_credentials(self) -> None:
        """Raise GatewayError(CP3002) when the account's keys are not accepted."""

    @abc.abstractmethod
    def hosted_fields_url(self, *, kind: str) -> str:
        """Where the portal's page embeds the gateway's card (or bank) fields."""

    @abc.abstractmethod
    def charge(self, request: ChargeRequest) -> ChargeResult:
        """Charge once per idempotency key; the same key again returns the same result."""

    @abc.abstractmethod
    def retrieve_charge(self, *, idempotency_key: str) -> ChargeResult | None:
        """The charge made with this key, or None when the gateway never made one."""

    def customer_action(self, *, transaction_id: str) -> CustomerAction | None:
        """How the customer completes a charge whose result is `action_required`, or None when
        it waits for nothing (gateways that never ask for authentication)."""
        return None

    def charge_abandon(self, *, transaction_id: str) -> ChargeResult:
        """Cancel a charge the customer never authenticated; the FAILED result it ends in."""
        raise GatewayError("unsupported", "This gateway has no charges awaiting the customer.")

    @abc.abstractmethod
    def charges(self, *, created_from: datetime | None = None) -> Iterator[ChargeResult]:
        """Every charge the gateway recorded on this account (from `created_from` on), oldest
        first, read page by page: the gateway's own record, to check the books against."""

    @abc.abstractmethod
    def save_method(self, request: SaveMethodRequest) -> SavedMethodResult:
        """Turn a one-time token into a reusable saved-method reference."""

    @abc.abstractmethod
    def update_method(self, request: UpdateMethodRequest) -> SavedMethodResult:
        """Change a saved method's expiry or billing address."""

    @abc.abstractmethod
    def delete_method(self, *, reference: str) -> None:
        """Detach a saved method; deleting one that is already gone is not an error."""

    @abc.abstractmethod
    def refund(self, request: RefundRequest) -> RefundResult:
        """Refund all or part of a succeeded charge, once per idempotency key."""

    @abc.abstractmethod
    def verify_webhook(self, payload: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        """Check the signature and age of a webhook; GatewayError("signature_invalid")."""


def check_account_settings(config: GatewayConfig, request: ChargeRequest) -> None:
    """Refuse, before any gateway call, what the business's account settings do not allow."""
    if not isinstance(request.amount, Decimal) or not request.amount.is_finite():
        raise GatewayError("invalid_amount", str(_("The amount is not a number.")))
    if request.amount <= 0:
        raise GatewayError("invalid_amount", str(_("The amount must be greater than zero.")))
    if request.currency not in config.currencies:
        raise GatewayError(PortalError.CURRENCY_UNSUPPORTED)
    if request.amount < config.minimum_for(request.currency):
        raise GatewayError(PortalError.BELOW_MINIMUM)
    if request.recurring and not config.recurring_enabled:
        raise GatewayError(PortalError.RECURRING_UNSUPPORTED)
    if request.saved_method_ref and not config.reference_transactions_enabled:
        raise GatewayError(PortalError.REFERENCE_CHARGES_DISABLED)


def use_requested_language(request: HttpRequest) -> None:
    """A gateway's hosted fields (a page of their own, in a frame) speak the language of the
    page that embeds them: its `?lang=`, when Portico speaks it; so do their answers."""
    language = supported_language(request.GET.get("lang"))
    if language:
        translation.activate(language)
        request.LANGUAGE_CODE = language
