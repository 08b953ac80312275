"""The sandbox gateway adapter: the client side, talking only to `processor`'s public API
(the functions a real processor exposes over HTTP) and the shared signing scheme.

The processor runs in-process on the same database connection: call the adapter outside
`transaction.atomic` (as a checkout must anyway, holding no lock across a gateway call),
or a rollback of the caller's transaction also undoes the "remote" charge.
"""

from __future__ import annotations

import hmac
import json
import time
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portico.core.errors import PortalError
from portico.payments.gateways import registry
from portico.payments.gateways.base import (
    DECLINE_PORTAL_ERRORS,
    RETRY_SAFE_DECLINES,
    BillingAddress,
    ChargeRequest,
    ChargeResult,
    ChargeStatus,
    DeclineCode,
    Gateway,
    GatewayError,
    RefundRequest,
    RefundResult,
    SavedMethodResult,
    SaveMethodRequest,
    UpdateMethodRequest,
    WebhookEvent,
    check_account_settings,
)
from portico.payments.gateways.sandbox import processor, signing
from portico.payments.gateways.sandbox.processor import ProcessorError


def _gateway_error(exc: ProcessorError) -> GatewayError:
    if exc.code == "invalid_credentials":
        return GatewayError(PortalError.GATEWAY_CREDENTIALS_INVALID)
    portal_error = DECLINE_PORTAL_ERRORS.get(exc.code)
    return GatewayError(portal_error or exc.code, exc.message, retry_safe=exc.retry_safe)


def _billing(data: Mapping[str, str] | None) -> BillingAddress:
    return BillingAddress(**dict(data or {}))


def _method(data: Mapping[str, Any]) -> SavedMethodResult:
    return SavedMethodResult(
        reference=data["id"],
        kind=data["kind"],
        brand=data["brand"],
        last4=data["last4"],
        exp_month=data["exp_month"],
        exp_year=data["exp_year"],
        billing=_billing(data["billing"]),
    )


def _decline_message(code: str) -> str:
    try:
        return str(DeclineCode(code).label)
    except ValueError:
        return code


def _charge(data: Mapping[str, Any]) -> ChargeResult:
    code = data["failure_code"]
    return ChargeResult(
        transaction_id=data["id"],
        status=ChargeStatus(data["status"]),
        amount=Decimal(data["amount"]),
        currency=data["currency"],
        idempotency_key=data["idempotency_key"],
        method_kind=data["method"]["kind"],
        brand=data["method"]["brand"],
        last4=data["method"]["last4"],
        decline_code=code,
        error=DECLINE_PORTAL_ERRORS.get(code),
        message=_decline_message(code) if code else "",
        retry_safe=code in RETRY_SAFE_DECLINES,
        saved_method=_method(data["saved_method"]) if data["saved_method"] else None,
        created_at=datetime.fromtimestamp(data["created"], tz=UTC),
    )


@registry.register
class SandboxGateway(Gateway):
    kind = "sandbox"
    label = _("Sandbox (test payments)")

    @staticmethod
    def open_test_account() -> tuple[str, str, str]:
        """New sandbox keys: (publishable key, secret key, webhook secret)."""
        keys = processor.account_open()
        return keys["public_key"], keys["secret_key"], keys["webhook_secret"]

    def verify_credentials(self) -> None:
        try:
            keys = processor.account_retrieve(secret_key=self.config.secret_key)
        except ProcessorError as exc:
            raise _gateway_error(exc) from None
        if keys["public_key"] != self.config.publishable_key:
            raise GatewayError(PortalError.GATEWAY_CREDENTIALS_INVALID)

    def hosted_fields_url(self, *, kind: str) -> str:
        query = urlencode({"account": self.config.publishable_key, "kind": kind})
        return f"{reverse('sandbox:hosted_fields')}?{query}"

    def charge(self, request: ChargeRequest) -> ChargeResult:
        check_account_settings(self.config, request)
        try:
            data = processor.charge_create(
                secret_key=self.config.secret_key,
                amount=request.amount,
                currency=request.currency,
                idempotency_key=request.idempotency_key,
                token=request.token,
                payment_method=request.saved_method_ref,
                description=request.description,
                customer_ref=request.customer_ref,
                recurring=request.recurring,
                save_method=request.save_method,
                duplicate_window_minutes=self.config.duplicate_window_minutes,
                required_address_fields=self.config.required_address_fields,
                billing=vars(request.billing) if request.billing else None,
                method_kind=request.method_kind,
            )
        except ProcessorError as exc:
            raise _gateway_error(exc) from None
        return _charge(data)

    def retrieve_charge(self, *, idempotency_key: str) -> ChargeResult | None:
        try:
            data = processor.charge_retrieve(
                secret_key=self.config.secret_key, idempotency_key=idempotency_key
            )
        except ProcessorError as exc:
            raise _gateway_error(exc) from None
        return _charge(data) if data else None

    def charges(self, *, created_from: datetime | None = None) -> Iterator[ChargeResult]:
        after = ""
        while True:
            try:
                page = processor.charge_list(
                    secret_key=self.config.secret_key,
                    created_gte=created_from,
                    starting_after=after,
                )
            except ProcessorError as exc:
                raise _gateway_error(exc) from None
            for data in page["data"]:
                yield _charge(data)
            if not page["has_more"] or not page["data"]:
                return
            after = page["data"][-1]["id"]

    def save_method(self, request: SaveMethodRequest) -> SavedMethodResult:
        if not self.config.reference_transactions_enabled:
            raise GatewayError(PortalError.REFERENCE_CHARGES_DISABLED)
        try:
            data = processor.payment_method_create(
                secret_key=self.config.secret_key,
                token=request.token,
                customer_ref=request.customer_ref,
            )
        except ProcessorError as exc:
            raise _gateway_error(exc) from None
        return _method(data)

    def update_method(self, request: UpdateMethodRequest) -> SavedMethodResult:
        billing = vars(request.billing) if request.billing else None
        try:
            data = processor.payment_method_update(
                secret_key=self.config.secret_key,
                method_id=request.reference,
                exp_month=request.exp_month,
                exp_year=request.exp_year,
                billing=billing,
            )
        except ProcessorError as exc:
            raise _gateway_error(exc) from None
        return _method(data)

    def delete_method(self, *, reference: str) -> None:
        try:
            processor.payment_method_detach(secret_key=self.config.secret_key, method_id=reference)
        except ProcessorError as exc:
            raise _gateway_error(exc) from None

    def refund(self, request: RefundRequest) -> RefundResult:
        try:
            data = processor.refund_create(
                secret_key=self.config.secret_key,
                charge_id=request.transaction_id,
                amount=request.amount,
                idempotency_key=request.idempotency_key,
                reason=request.reason,
            )
        except ProcessorError as exc:
            raise _gateway_error(exc) from None
        return RefundResult(
            refund_id=data["id"],
            transaction_id=data["charge"],
            amount=Decimal(data["amount"]),
            currency=data["currency"],
            status=ChargeStatus(data["status"]),
        )

    def verify_webhook(self, payload: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        header = _header(headers, signing.SIGNATURE_HEADER)
        try:
            timestamp, signatures = signing.parse_header(header)
        except ValueError:
            raise GatewayError("signature_invalid", "The webhook signature is missing.") from None
        if abs(time.time() - timestamp) > signing.TOLERANCE_SECONDS:
            raise GatewayError("signature_stale", "The webhook is too old.")
        expected = signing.signature(self.config.webhook_secret, timestamp, payload)
        if not any(hmac.compare_digest(expected, given) for given in signatures):
            raise GatewayError("signature_invalid", "The webhook signature does not match.")
        try:
            event = json.loads(payload)
            data = event["data"]
            code = data["failure_code"]
            return WebhookEvent(
                event_id=event["id"],
                type=event["type"],
                transaction_id=data["id"],
                status=ChargeStatus(data["status"]),
                amount=Decimal(data["amount"]),
                currency=data["currency"],
                idempotency_key=data["idempotency_key"],
                created_at=datetime.fromtimestamp(event["created"], tz=UTC),
                decline_code=code,
                error=DECLINE_PORTAL_ERRORS.get(code),
                message=_decline_message(code) if code else "",
            )
        except (ValueError, KeyError, TypeError):
            raise GatewayError("payload_invalid", "The webhook body is not an event.") from None


def _header(headers: Mapping[str, str], name: str) -> str:
    value = headers.get(name)
    if value is None:
        lowered = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == lowered), "")
    return value or ""
