"""The Stripe adapter: the gateway protocol on PaymentIntents, SetupIntents, PaymentMethods,
Customers and Refunds, through the official `stripe` library.

* A charge is one PaymentIntent created and confirmed in one call, with the checkout's
  idempotency key as Stripe's Idempotency-Key and in the metadata (`portico_checkout`), the
  amount in the currency's minor unit. Off-session (autopay) charges say so.
* The one-time "token" is a PaymentMethod id from the hosted fields (views.py); a saved method
  is a PaymentMethod attached to the contact's Stripe customer (models.StripeCustomer).
* Reconcile finds the PaymentIntent by its metadata with Stripe's search API.

The library talks to `settings.STRIPE_API_BASE` (localstripe in tests). Secrets are never
logged: errors are reduced to their Stripe code before they leave this module.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import stripe
from django.conf import settings
from django.db import IntegrityError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from stripe.params import (
    PaymentIntentCreateParams,
    PaymentIntentListParams,
    PaymentMethodUpdateParams,
)

from portico.core.errors import DomainError, PortalError
from portico.core.money import from_minor_units, to_minor_units
from portico.payments.gateways import registry
from portico.payments.gateways.base import (
    RETRY_SAFE_DECLINES,
    BillingAddress,
    ChargeRequest,
    ChargeResult,
    ChargeStatus,
    CustomerAction,
    Gateway,
    GatewayError,
    MethodKind,
    RefundRequest,
    RefundResult,
    SavedMethodResult,
    SaveMethodRequest,
    UpdateMethodRequest,
    WebhookEvent,
    check_account_settings,
)
from portico.payments.gateways.stripe import declines
from portico.payments.gateways.stripe.models import StripeCustomer

logger = logging.getLogger(__name__)

METADATA_CHECKOUT = "portico_checkout"
METADATA_ACCOUNT = "portico_account"
WEBHOOK_TOLERANCE_SECONDS = 300
SETTLED_EVENTS = frozenset({"payment_intent.succeeded", "payment_intent.payment_failed"})
REFUND_EVENT = "charge.refunded"
EVENTS = (*sorted(SETTLED_EVENTS), REFUND_EVENT)

# Cards are confirmed on the server: no payment method that would need a return URL.
NO_REDIRECTS: Any = {"enabled": True, "allow_redirects": "never"}

PUBLISHABLE_KEY = re.compile(r"^pk_(test|live)_[A-Za-z0-9]{8,}$")
SECRET_KEY = re.compile(r"^(sk|rk)_(test|live)_[A-Za-z0-9]{8,}$")
WEBHOOK_SECRET = re.compile(r"^whsec_[A-Za-z0-9+/=]{8,}$")


def key_mode(key: str) -> str:
    """ "test" or "live" for a Stripe API key, "" when it is not one."""
    match = PUBLISHABLE_KEY.match(key) or SECRET_KEY.match(key)
    if match is None:
        return ""
    return match.group(match.lastindex or 1)


def key_errors(*, publishable_key: str, secret_key: str, webhook_secret: str) -> dict[str, str]:
    """Field errors for keys of the wrong format or of two different modes (test vs live)."""
    errors: dict[str, str] = {}
    if not PUBLISHABLE_KEY.match(publishable_key):
        errors["publishable_key"] = str(
            _("A Stripe publishable key starts with pk_test_ or pk_live_.")
        )
    if not SECRET_KEY.match(secret_key):
        errors["secret_key"] = str(
            _("A Stripe secret key starts with sk_test_ or sk_live_ (or rk_ for a restricted key).")
        )
    if webhook_secret and not WEBHOOK_SECRET.match(webhook_secret):
        errors["webhook_secret"] = str(_("A Stripe webhook signing secret starts with whsec_."))
    if not errors and key_mode(publishable_key) != key_mode(secret_key):
        errors["secret_key"] = str(
            _(
                "The secret key is a %(secret)s-mode key but the publishable key is a "
                "%(public)s-mode key: use the two keys of the same mode."
            )
            % {"secret": key_mode(secret_key), "public": key_mode(publishable_key)}
        )
    return errors


class ChargeOutcomeUnknown(Exception):
    """Stripe did not answer the charge (a timeout, a 5xx): it may or may not have been made."""


def client_for(secret_key: str) -> stripe.StripeClient:
    return stripe.StripeClient(
        secret_key,
        base_addresses={"api": settings.STRIPE_API_BASE},
        max_network_retries=2,
        http_client=stripe.RequestsClient(timeout=settings.STRIPE_TIMEOUT_SECONDS),
    )


def _plain(obj: Any) -> dict[str, Any]:
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


def _stripe_error(exc: stripe.StripeError) -> GatewayError:
    """A refusal with no transaction; the message is Stripe's code, never the request."""
    code = str(getattr(exc, "code", "") or "")
    if isinstance(exc, stripe.AuthenticationError | stripe.PermissionError):
        return GatewayError(PortalError.GATEWAY_CREDENTIALS_INVALID)
    if isinstance(exc, stripe.CardError):
        decline = declines.decline_code(_error_body(exc))
        portal_error = declines.portal_error(decline)
        return GatewayError(
            portal_error or decline,
            declines.message(decline),
            retry_safe=decline in RETRY_SAFE_DECLINES,
        )
    if isinstance(exc, stripe.APIConnectionError | stripe.RateLimitError | stripe.APIError):
        return GatewayError(
            "gateway_unavailable",
            str(_("The payment service could not be reached. Please try again.")),
            retry_safe=True,
        )
    if code in {"resource_missing"}:
        return GatewayError("token_invalid", str(_("The card details expired; enter them again.")))
    return GatewayError(
        code or "gateway_refused", str(_("The payment service refused the request."))
    )


def _error_body(exc: stripe.StripeError) -> dict[str, Any]:
    body = exc.json_body if isinstance(exc.json_body, dict) else {}
    error = body.get("error")
    return error if isinstance(error, dict) else {}


def _billing(details: Mapping[str, Any] | None) -> BillingAddress:
    details = details or {}
    address = details.get("address") or {}
    return BillingAddress(
        name=details.get("name") or "",
        line1=address.get("line1") or "",
        line2=address.get("line2") or "",
        city=address.get("city") or "",
        state=address.get("state") or "",
        postal_code=address.get("postal_code") or "",
        country=address.get("country") or "",
    )


def _billing_details(billing: BillingAddress) -> dict[str, Any]:
    address = {
        key: value
        for key, value in {
            "line1": billing.line1,
            "line2": billing.line2,
            "city": billing.city,
            "state": billing.state,
            "postal_code": billing.postal_code,
            "country": billing.country,
        }.items()
        if value
    }
    details: dict[str, Any] = {"address": address} if address else {}
    if billing.name:
        details["name"] = billing.name
    return details


def method_result(method: Mapping[str, Any]) -> SavedMethodResult:
    card = method.get("card") or {}
    return SavedMethodResult(
        reference=method["id"],
        kind=MethodKind.CARD,
        brand=str(card.get("brand") or "card").title(),
        last4=str(card.get("last4") or ""),
        exp_month=card.get("exp_month"),
        exp_year=card.get("exp_year"),
        billing=_billing(method.get("billing_details")),
    )


def _status(intent: Mapping[str, Any]) -> ChargeStatus:
    status = intent.get("status")
    if status == "succeeded":
        return ChargeStatus.SUCCEEDED
    if status in ("processing", "requires_action"):
        return ChargeStatus.PENDING
    return ChargeStatus.FAILED


def stripe_csp() -> dict[str, list[str]]:
    """What Stripe.js needs beyond our own policy (Stripe's documented CSP)."""
    js = _origin(settings.STRIPE_JS_URL)
    api = _origin(settings.STRIPE_API_BASE)
    return {
        "script-src": [js, "https://*.js.stripe.com"],
        "frame-src": [js, "https://*.js.stripe.com", "https://hooks.stripe.com"],
        "connect-src": [api, js],
    }


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _charge_result(
    intent: Mapping[str, Any],
    *,
    method: SavedMethodResult | None,
    saved_method: SavedMethodResult | None = None,
) -> ChargeResult:
    status = _status(intent)
    code = ""
    if status == ChargeStatus.FAILED:
        code = declines.decline_code(intent.get("last_payment_error"))
    currency = str(intent["currency"]).upper()
    return ChargeResult(
        transaction_id=intent["id"],
        status=status,
        amount=from_minor_units(intent["amount"], currency),
        currency=currency,
        idempotency_key=str((intent.get("metadata") or {}).get(METADATA_CHECKOUT, "")),
        method_kind=MethodKind.CARD,
        brand=method.brand if method else "",
        last4=method.last4 if method else "",
        decline_code=code,
        error=declines.portal_error(code) if code else None,
        message=declines.message(code) if code else "",
        retry_safe=code in RETRY_SAFE_DECLINES,
        saved_method=saved_method if intent.get("status") in ("succeeded", "processing") else None,
        created_at=datetime.fromtimestamp(intent["created"], tz=UTC)
        if intent.get("created")
        else None,
        action_required=intent.get("status") == "requires_action",
    )


@registry.register
class StripeGateway(Gateway):
    kind = "stripe"
    label = _("Stripe (cards)")
    method_kinds = frozenset({MethodKind.CARD})
    # Stripe's smallest charge per currency (docs.stripe.com/currencies); smaller → CP4001.
    currency_minimums = {
        code: Decimal(amount)
        for code, amount in {
            "USD": "0.50", "AED": "2.00", "AUD": "0.50", "BGN": "1.00", "BRL": "0.50",
            "CAD": "0.50", "CHF": "0.50", "CZK": "15.00", "DKK": "2.50", "EUR": "0.50",
            "GBP": "0.30", "HKD": "4.00", "HUF": "175.00", "INR": "0.50", "JPY": "50",
            "MXN": "10.00", "MYR": "2.00", "NOK": "3.00", "NZD": "0.50", "PLN": "2.00",
            "RON": "2.00", "SEK": "3.00", "SGD": "0.50", "THB": "10.00",
        }.items()
    }  # fmt: skip

    @classmethod
    def key_errors(
        cls, *, publishable_key: str, secret_key: str, webhook_secret: str
    ) -> dict[str, str]:
        return key_errors(
            publishable_key=publishable_key, secret_key=secret_key, webhook_secret=webhook_secret
        )

    def webhook_path(self) -> str:
        return reverse("payments:webhook_stripe", args=[self.config.account_ref])

    @property
    def client(self) -> stripe.StripeClient:
        return client_for(self.config.secret_key)

    # --- account -------------------------------------------------------------------------------

    def verify_credentials(self) -> None:
        errors = key_errors(
            publishable_key=self.config.publishable_key,
            secret_key=self.config.secret_key,
            webhook_secret=self.config.webhook_secret,
        )
        if errors:
            raise GatewayError(PortalError.GATEWAY_CREDENTIALS_INVALID, " ".join(errors.values()))
        try:
            self.client.v1.balance.retrieve()
        except stripe.StripeError as exc:
            raise _stripe_error(exc) from None

    def hosted_fields_url(self, *, kind: str) -> str:
        return reverse("stripe_gateway:hosted_fields", args=[self.config.account_ref])

    # --- the hosted fields' server side ---------------------------------------------------------

    def setup_intent_create(self) -> str:
        """A SetupIntent for the hosted fields to confirm with Stripe.js; its client secret."""
        try:
            intent = self.client.v1.setup_intents.create(
                params={
                    "usage": "off_session",
                    "automatic_payment_methods": NO_REDIRECTS,
                    "metadata": {METADATA_ACCOUNT: self.config.account_ref},
                },
            )
        except stripe.StripeError as exc:
            raise _stripe_error(exc) from None
        return str(intent.client_secret)

    def setup_intent_method(self, *, setup_intent_id: str) -> SavedMethodResult:
        """The card a confirmed SetupIntent collected: what the portal's page may know of it."""
        try:
            intent = _plain(self.client.v1.setup_intents.retrieve(setup_intent_id))
            if intent.get("status") != "succeeded" or not intent.get("payment_method"):
                raise GatewayError("token_invalid", str(_("The card was not confirmed.")))
            if (intent.get("metadata") or {}).get(METADATA_ACCOUNT) != self.config.account_ref:
                raise GatewayError("token_invalid", str(_("The card was not confirmed.")))
            return self._method(str(intent["payment_method"]))
        except stripe.StripeError as exc:
            raise _stripe_error(exc) from None

    # --- charges -------------------------------------------------------------------------------

    def charge(self, request: ChargeRequest) -> ChargeResult:
        check_account_settings(self.config, request)
        if request.method_kind == MethodKind.BANK:
            raise GatewayError(
                "method_unsupported", str(_("Bank debit is not offered through Stripe here."))
            )
        reference = request.saved_method_ref or request.token or ""
        if not reference.startswith("pm_"):
            raise GatewayError("token_invalid", str(_("Enter your card details again.")))
        try:
            amount = to_minor_units(request.amount, request.currency)
        except DomainError as exc:
            raise GatewayError("invalid_amount", exc.message) from None
        try:
            method_data = _plain(self.client.v1.payment_methods.retrieve(reference))
            method = method_result(method_data)
            customer = method_data.get("customer") or None
            saved: SavedMethodResult | None = None
            if request.saved_method_ref and not customer:
                raise GatewayError("token_invalid", str(_("That saved card is no longer there.")))
            if request.token and request.save_method:
                customer = self._customer_id(request.customer_ref)
                self.client.v1.payment_methods.attach(reference, params={"customer": customer})
                saved = method
            params: PaymentIntentCreateParams = {
                "amount": amount,
                "currency": request.currency.lower(),
                "payment_method": reference,
                "automatic_payment_methods": NO_REDIRECTS,
                "confirm": True,
                "description": request.description[:1000],
                "metadata": {
                    METADATA_CHECKOUT: request.idempotency_key,
                    # the checkout's public id, as the back office shows it
                    "portico_checkout_id": request.idempotency_key.removeprefix("checkout:"),
                    METADATA_ACCOUNT: self.config.account_ref,
                },
            }
            if customer:
                params["customer"] = customer
            if request.recurring:
                params["off_session"] = True
            try:
                intent = _plain(
                    self.client.v1.payment_intents.create(
                        params=params, options={"idempotency_key": request.idempotency_key}
                    )
                )
            except (stripe.APIConnectionError, stripe.APIError) as exc:
                # The library already retried with the same key: whether Stripe charged is
                # unknown, so this is no refusal. The checkout stays unknown until reconciled.
                raise ChargeOutcomeUnknown(str(exc.code or type(exc).__name__)) from None
            except stripe.CardError as exc:
                # A decline is a recorded transaction: Stripe answers 402 with the intent.
                found = _error_body(exc).get("payment_intent")
                intent = (
                    found
                    if isinstance(found, dict)
                    else self._find_intent(request.idempotency_key) or {}
                )
                if not intent:
                    raise
            if intent.get("status") == "requires_action" and request.recurring:
                # No customer is there to authenticate an autopay charge: it ends here.
                return self._abandon(intent["id"], method=method)
            result = _charge_result(intent, method=method, saved_method=saved)
            if saved is not None and result.saved_method is None:
                # "Save this card" goes with a payment that went through, not with a decline
                # (nor with one still waiting for the bank's authentication).
                self.delete_method(reference=reference)
            return result
        except stripe.StripeError as exc:
            raise _stripe_error(exc) from None

    def retrieve_charge(self, *, idempotency_key: str) -> ChargeResult | None:
        try:
            intent = self._find_intent(idempotency_key)
            if intent is None:
                return None
            method = None
            if intent.get("payment_method"):
                method = self._method(str(intent["payment_method"]))
            return _charge_result(intent, method=method)
        except stripe.StripeError as exc:
            raise _stripe_error(exc) from None

    def customer_action(self, *, transaction_id: str) -> CustomerAction | None:
        """Stripe.js's confirmCardPayment on the checkout page, for an intent of this account
        whose bank asks for 3-D Secure."""
        try:
            intent = _plain(self.client.v1.payment_intents.retrieve(transaction_id))
        except stripe.StripeError as exc:
            raise _stripe_error(exc) from None
        mine = (intent.get("metadata") or {}).get(METADATA_ACCOUNT) == self.config.account_ref
        if not mine or intent.get("status") != "requires_action":
            return None
        return CustomerAction(
            script_url=settings.STRIPE_JS_URL,
            publishable_key=self.config.publishable_key,
            client_secret=str(intent["client_secret"]),
            csp=stripe_csp(),
        )

    def charge_abandon(self, *, transaction_id: str) -> ChargeResult:
        try:
            return self._abandon(transaction_id, method=None)
        except stripe.StripeError as exc:
            raise _stripe_error(exc) from None

    def _abandon(self, transaction_id: str, *, method: SavedMethodResult | None) -> ChargeResult:
        """Cancel an intent left waiting for authentication: failed, with that reason."""
        intent = _plain(self.client.v1.payment_intents.retrieve(transaction_id))
        if intent.get("status") == "requires_action":
            intent = _plain(self.client.v1.payment_intents.cancel(transaction_id))
        result = _charge_result(intent, method=method)
        if not result.failed:
            return result  # authenticated after all: what Stripe says stands
        code = declines.AUTHENTICATION_REQUIRED
        return replace(
            result,
            decline_code=code,
            error=declines.portal_error(code),
            message=declines.message(code),
        )

    def charges(self, *, created_from: datetime | None = None) -> Iterator[ChargeResult]:
        """This account's PaymentIntents, read a page of 100 at a time and answered oldest
        first (by creation time; Stripe lists newest first)."""
        params: PaymentIntentListParams = {"limit": 100}
        if created_from is not None:
            params["created"] = {"gte": int(created_from.timestamp())}
        found: list[dict[str, Any]] = []
        try:
            while True:
                page = self.client.v1.payment_intents.list(params=params)
                data = [_plain(intent) for intent in page.data]
                found.extend(
                    intent
                    for intent in data
                    if (intent.get("metadata") or {}).get(METADATA_ACCOUNT)
                    in (None, self.config.account_ref)
                )
                if not page.has_more or not data:
                    break
                params["starting_after"] = data[-1]["id"]
        except stripe.StripeError as exc:
            raise _stripe_error(exc) from None
        for intent in sorted(found, key=lambda intent: int(intent.get("created") or 0)):
            yield _charge_result(intent, method=None)

    def _find_intent(self, idempotency_key: str) -> dict[str, Any] | None:
        quoted = idempotency_key.replace("\\", "").replace("'", "")
        found = self.client.v1.payment_intents.search(
            params={"query": f"metadata['{METADATA_CHECKOUT}']:'{quoted}'", "limit": 10}
        )
        for intent in found.data:
            data = _plain(intent)
            if (data.get("metadata") or {}).get(METADATA_ACCOUNT) in (
                None,
                self.config.account_ref,
            ):
                return data
        return None

    # --- saved methods -------------------------------------------------------------------------

    def _method(self, reference: str) -> SavedMethodResult:
        return method_result(_plain(self.client.v1.payment_methods.retrieve(reference)))

    def _customer_id(self, customer_ref: str) -> str:
        """The contact's Stripe customer at this account, made once."""
        found = StripeCustomer.objects.filter(
            account_ref=self.config.account_ref, customer_ref=customer_ref
        ).first()
        if found is not None:
            return found.stripe_id
        customer = self.client.v1.customers.create(
            params={"metadata": {"portico_contact": customer_ref}},
            options={"idempotency_key": f"customer:{self.config.account_ref}:{customer_ref}"},
        )
        try:
            row, _created = StripeCustomer.objects.get_or_create(
                account_ref=self.config.account_ref,
                customer_ref=customer_ref,
                defaults={"stripe_id": customer.id},
            )
        except IntegrityError:
            row = StripeCustomer.objects.get(
                account_ref=self.config.account_ref, customer_ref=customer_ref
            )
        return row.stripe_id

    def save_method(self, request: SaveMethodRequest) -> SavedMethodResult:
        if not self.config.reference_transactions_enabled:
            raise GatewayError(PortalError.REFERENCE_CHARGES_DISABLED)
        if not request.token.startswith("pm_"):
            raise GatewayError("token_invalid", str(_("Enter your card details again.")))
        try:
            customer = self._customer_id(request.customer_ref)
            method = self.client.v1.payment_methods.attach(
                request.token, params={"customer": customer}
            )
        except stripe.StripeError as exc:
            raise _stripe_error(exc) from None
        return method_result(_plain(method))

    def update_method(self, request: UpdateMethodRequest) -> SavedMethodResult:
        params: PaymentMethodUpdateParams = {}
        card = {
            key: value
            for key, value in {"exp_month": request.exp_month, "exp_year": request.exp_year}.items()
            if value
        }
        if card:
            params["card"] = card  # type: ignore[typeddict-item]
        if request.billing is not None:
            params["billing_details"] = _billing_details(request.billing)  # type: ignore[typeddict-item]
        try:
            if params:
                method = self.client.v1.payment_methods.update(request.reference, params=params)
            else:
                method = self.client.v1.payment_methods.retrieve(request.reference)
        except stripe.StripeError as exc:
            raise _stripe_error(exc) from None
        return method_result(_plain(method))

    def delete_method(self, *, reference: str) -> None:
        try:
            self.client.v1.payment_methods.detach(reference)
        except stripe.InvalidRequestError as exc:
            # Already detached or gone at Stripe: what deleting wanted.
            logger.info("stripe: detaching %s answered %s", reference, exc.code or "an error")
        except stripe.StripeError as exc:
            raise _stripe_error(exc) from None

    # --- refunds -------------------------------------------------------------------------------

    def refund(self, request: RefundRequest) -> RefundResult:
        try:
            intent = _plain(self.client.v1.payment_intents.retrieve(request.transaction_id))
            currency = str(intent["currency"]).upper()
            refund = _plain(
                self.client.v1.refunds.create(
                    params={
                        "payment_intent": request.transaction_id,
                        "amount": to_minor_units(request.amount, currency),
                        "metadata": {"portico_reason": request.reason[:200]},
                    },
                    options={"idempotency_key": request.idempotency_key},
                )
            )
        except DomainError as exc:
            raise GatewayError("invalid_amount", exc.message) from None
        except stripe.StripeError as exc:
            raise _stripe_error(exc) from None
        status = {
            "succeeded": ChargeStatus.SUCCEEDED,
            "pending": ChargeStatus.PENDING,
        }.get(str(refund.get("status")), ChargeStatus.FAILED)
        return RefundResult(
            refund_id=refund["id"],
            transaction_id=request.transaction_id,
            amount=from_minor_units(refund["amount"], currency),
            currency=currency,
            status=status,
        )

    # --- webhooks ------------------------------------------------------------------------------

    def verify_webhook(self, payload: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        header = _header(headers, "Stripe-Signature")
        try:
            event = stripe.Webhook.construct_event(
                payload, header, self.config.webhook_secret, tolerance=WEBHOOK_TOLERANCE_SECONDS
            )
        except stripe.SignatureVerificationError as exc:
            stale = "timestamp outside the tolerance" in str(exc)
            raise GatewayError(
                "signature_stale" if stale else "signature_invalid",
                "The webhook is too old." if stale else "The webhook signature does not match.",
            ) from None
        except ValueError:
            raise GatewayError("payload_invalid", "The webhook body is not an event.") from None
        return webhook_event(_plain(event))


def webhook_event(event: Mapping[str, Any]) -> WebhookEvent:
    """A verified Stripe event as the portal's event (a PaymentIntent's or a refunded charge's)."""
    try:
        kind = str(event["type"])
        if kind not in EVENTS:
            # Acknowledged (so Stripe stops sending it) and left alone.
            return WebhookEvent(
                event_id=str(event["id"]),
                type=kind,
                transaction_id="",
                status=ChargeStatus.PENDING,
                amount=Decimal(0),
                currency="",
                idempotency_key="",
                created_at=datetime.fromtimestamp(int(event["created"]), tz=UTC),
            )
        obj = event["data"]["object"]
        currency = str(obj["currency"]).upper()
        created = datetime.fromtimestamp(int(event["created"]), tz=UTC)
        metadata = obj.get("metadata") or {}
        if kind == REFUND_EVENT:
            return WebhookEvent(
                event_id=str(event["id"]),
                type=kind,
                transaction_id=str(obj.get("payment_intent") or obj["id"]),
                status=ChargeStatus.SUCCEEDED,
                amount=from_minor_units(int(obj.get("amount_refunded") or 0), currency),
                currency=currency,
                idempotency_key=str(metadata.get(METADATA_CHECKOUT, "")),
                created_at=created,
            )
        status = _status(obj) if kind in SETTLED_EVENTS else ChargeStatus.PENDING
        code = (
            declines.decline_code(obj.get("last_payment_error"))
            if kind == "payment_intent.payment_failed"
            else ""
        )
        return WebhookEvent(
            event_id=str(event["id"]),
            type=kind,
            transaction_id=str(obj["id"]),
            status=ChargeStatus.FAILED if code else status,
            amount=from_minor_units(int(obj["amount"]), currency),
            currency=currency,
            idempotency_key=str(metadata.get(METADATA_CHECKOUT, "")),
            created_at=created,
            decline_code=code,
            error=declines.portal_error(code) if code else None,
            message=declines.message(code) if code else "",
        )
    except (KeyError, TypeError, ValueError, DomainError):
        raise GatewayError("payload_invalid", "The webhook body is not an event.") from None


def _header(headers: Mapping[str, str], name: str) -> str:
    value = headers.get(name)
    if value is None:
        lowered = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == lowered), "")
    return value or ""
