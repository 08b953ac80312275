"""The simulated processor's public API: what a real processor answers over HTTP.

Every function takes the caller's key (secret for server calls, public for tokenisation),
and returns JSON-able dicts, exactly what a client library would parse from a response.
Refusals raise `ProcessorError` (an HTTP 4xx/5xx at a real processor).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import string
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.numbers import get_currency_precision, list_currencies
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portico.payments.gateways.base import ChargeStatus, DeclineCode, MethodKind
from portico.payments.gateways.sandbox import settlement
from portico.payments.gateways.sandbox.cards import Scenario
from portico.payments.gateways.sandbox.models import (
    Charge,
    PaymentMethod,
    Refund,
    SandboxAccount,
    Token,
)

SECRET_KEY_PATTERN = re.compile(r"^sk_sandbox_[A-Za-z0-9]{16,64}$")
PUBLIC_KEY_PATTERN = re.compile(r"^pk_sandbox_[A-Za-z0-9]{16,64}$")
TOKEN_TTL = timedelta(minutes=30)
BILLING_FIELDS = ("name", "line1", "line2", "city", "state", "postal_code", "country")

SCENARIO_DECLINES: dict[str, DeclineCode] = {
    Scenario.DECLINE: DeclineCode.CARD_DECLINED,
    Scenario.INSUFFICIENT_FUNDS: DeclineCode.INSUFFICIENT_FUNDS,
    Scenario.FRAUD: DeclineCode.FRAUD,
    Scenario.ADDRESS_VERIFICATION: DeclineCode.ADDRESS_VERIFICATION,
    Scenario.PROCESSING_ERROR: DeclineCode.PROCESSING_ERROR,
}


class ProcessorError(Exception):
    """A refused request: `code` is stable, `status` the HTTP status a processor would send."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status: int = 400,
        retry_safe: bool = False,
        fields: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.retry_safe = retry_safe
        self.fields = dict(fields or {})

    def as_json(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "fields": self.fields}}


def new_id(prefix: str, length: int = 24) -> str:
    alphabet = string.ascii_letters + string.digits
    return prefix + "".join(secrets.choice(alphabet) for _ in range(length))


def fingerprint(kind: str, value: str) -> str:
    """A keyed, one-way fingerprint (same card → same value), never reversible to the number."""
    key = f"{settings.SECRET_KEY}:sandbox-fingerprint".encode()
    digest = hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).digest()
    return "fp_" + base64.urlsafe_b64encode(digest[:18]).decode().replace("-", "x")


# Accounts ------------------------------------------------------------------------------


def account_open(*, public_key: str | None = None, secret_key: str | None = None) -> dict[str, str]:
    """Sign up at the sandbox: new keys, or the existing account for the given keys."""
    suffix = new_id("")
    public_key = public_key or f"pk_sandbox_{suffix}"
    secret_key = secret_key or f"sk_sandbox_{suffix}"
    if not (PUBLIC_KEY_PATTERN.match(public_key) and SECRET_KEY_PATTERN.match(secret_key)):
        raise ProcessorError("invalid_keys", "Sandbox keys look like pk_sandbox_… / sk_sandbox_….")
    account, _ = SandboxAccount.objects.get_or_create(
        secret_key=secret_key,
        defaults={"public_key": public_key, "webhook_secret": new_id("whsec_", 32)},
    )
    if account.public_key != public_key:
        raise ProcessorError("invalid_keys", "These keys belong to different accounts.")
    return _account_json(account)


def account_retrieve(*, secret_key: str) -> dict[str, str]:
    return _account_json(_authenticate(secret_key))


def webhook_endpoint_set(*, secret_key: str, url: str) -> dict[str, str]:
    account = _authenticate(secret_key)
    account.webhook_url = url
    account.save(update_fields=["webhook_url"])
    return _account_json(account)


def webhook_url_for(account: SandboxAccount) -> str:
    """Where events of `account` go: its registered endpoint, or the portal's receiver."""
    if account.webhook_url:
        return account.webhook_url
    return f"{settings.SITE_URL}/payments/webhooks/sandbox/{account.public_key}"


def _account_json(account: SandboxAccount) -> dict[str, str]:
    return {
        "public_key": account.public_key,
        "secret_key": account.secret_key,
        "webhook_secret": account.webhook_secret,
        "webhook_url": webhook_url_for(account),
    }


def _authenticate(secret_key: str, *, lock: bool = False) -> SandboxAccount:
    if not SECRET_KEY_PATTERN.match(secret_key or ""):
        raise ProcessorError("invalid_credentials", "The secret key is not valid.", status=401)
    queryset = SandboxAccount.objects.all()
    if lock:
        queryset = queryset.select_for_update()
    account = queryset.filter(secret_key=secret_key).first()
    if account is None:
        raise ProcessorError("invalid_credentials", "The secret key is not valid.", status=401)
    return account


def public_account(public_key: str) -> SandboxAccount:
    account = SandboxAccount.objects.filter(public_key=public_key or "").first()
    if account is None or not PUBLIC_KEY_PATTERN.match(public_key):
        raise ProcessorError("invalid_public_key", "Unknown publishable key.", status=401)
    return account


# Tokens --------------------------------------------------------------------------------


@transaction.atomic
def token_create(*, public_key: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """Tokenise card or bank details typed into the hosted fields (validated here)."""
    from portico.payments.gateways.sandbox import forms

    account = public_account(public_key)
    details = forms.validate_payment_details(data)
    token = Token.objects.create(
        token_id=new_id("tok_"),
        account=account,
        kind=details.kind,
        brand=details.brand,
        last4=details.last4,
        exp_month=details.exp_month,
        exp_year=details.exp_year,
        fingerprint=fingerprint(details.kind, details.fingerprint_source),
        scenario=details.scenario,
        **details.billing,
    )
    return _token_json(token)


def _usable_token(account: SandboxAccount, token_id: str) -> Token:
    """Lock and use up a token: one use, within TOKEN_TTL of its creation."""
    found = Token.objects.select_for_update().filter(account=account, token_id=token_id).first()
    if found is None or found.used_at is not None or found.created_at < timezone.now() - TOKEN_TTL:
        raise ProcessorError("token_invalid", "This token is unknown, expired or already used.")
    found.used_at = timezone.now()
    found.save(update_fields=["used_at"])
    return found


def _token_json(token: Token) -> dict[str, Any]:
    return {
        "token": token.token_id,
        "kind": token.kind,
        "brand": token.brand,
        "last4": token.last4,
        "exp_month": token.exp_month,
        "exp_year": token.exp_year,
    }


# Charges -------------------------------------------------------------------------------


def _amount(value: Decimal | str, currency: str) -> Decimal:
    if currency not in list_currencies():
        raise ProcessorError("invalid_currency", f"{currency!r} is not a currency code.")
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ProcessorError("invalid_amount", "The amount is not a number.") from None
    if not amount.is_finite() or amount <= 0:
        raise ProcessorError("invalid_amount", "The amount must be greater than zero.")
    quantized = amount.quantize(Decimal(1).scaleb(-int(get_currency_precision(currency))))
    if quantized != amount:
        raise ProcessorError("invalid_amount", f"Too many decimals for {currency}.")
    return quantized


def _money(amount: Decimal, currency: str) -> str:
    return str(amount.quantize(Decimal(1).scaleb(-int(get_currency_precision(currency)))))


def _digest(**request: Any) -> str:
    return hashlib.sha256(json.dumps(request, sort_keys=True, default=str).encode()).hexdigest()


@transaction.atomic
def charge_create(
    *,
    secret_key: str,
    amount: Decimal | str,
    currency: str,
    idempotency_key: str,
    token: str | None = None,
    payment_method: str | None = None,
    description: str = "",
    customer_ref: str = "",
    recurring: bool = False,
    save_method: bool = False,
    duplicate_window_minutes: int = 10,
    required_address_fields: Sequence[str] = (),
    billing: Mapping[str, str] | None = None,
    method_kind: str | None = None,
) -> dict[str, Any]:
    """Charge a token or a saved method once per (account, idempotency key).

    `method_kind` (card | bank), when given, must match the source: like a real processor's
    allowed payment-method types, it stops a bank token from being charged as a card.

    `billing` replaces the address kept with the card for the address check.
    """
    # The account row lock serialises one account's charges: the idempotency and the
    # duplicate-window checks below are then check-then-act safe on PostgreSQL.
    account = _authenticate(secret_key, lock=True)
    if not idempotency_key or len(idempotency_key) > 200:
        raise ProcessorError("invalid_idempotency_key", "An idempotency key (≤ 200) is required.")
    amount = _amount(amount, currency)
    digest = _digest(
        amount=str(amount), currency=currency, token=token, payment_method=payment_method
    )
    existing = Charge.objects.filter(account=account, idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.request_digest != digest:
            raise ProcessorError(
                "idempotency_mismatch",
                "This idempotency key was used with different parameters.",
                status=409,
            )
        return charge_json(existing)
    if bool(token) == bool(payment_method):
        raise ProcessorError("invalid_source", "Send exactly one of token or payment_method.")

    source: Token | PaymentMethod
    if token:
        source = _usable_token(account, token)
    else:
        method = PaymentMethod.objects.filter(
            account=account, method_id=payment_method, detached_at__isnull=True
        ).first()
        if method is None:
            raise ProcessorError("payment_method_invalid", "This saved method is not available.")
        source = method
    if method_kind and source.kind != method_kind:
        raise ProcessorError(
            "payment_method_not_allowed",
            f"This charge accepts a {method_kind} payment method only.",
        )

    now = timezone.now()
    failure = _decline_for(source, required_address_fields, billing)
    if failure is None and _is_duplicate(
        account, source.fingerprint, amount, currency, now, duplicate_window_minutes
    ):
        failure = DeclineCode.DUPLICATE
    if failure is not None:
        status = ChargeStatus.FAILED
    elif source.kind == MethodKind.BANK:
        status = ChargeStatus.PENDING
    else:
        status = ChargeStatus.SUCCEEDED

    saved = None
    if save_method and isinstance(source, Token) and status != ChargeStatus.FAILED:
        saved = _method_from_token(source, customer_ref)
    charge = Charge.objects.create(
        charge_id=new_id("ch_"),
        account=account,
        idempotency_key=idempotency_key,
        request_digest=digest,
        amount=amount,
        currency=currency,
        status=status,
        failure_code=failure or "",
        token=source if isinstance(source, Token) else None,
        payment_method=source if isinstance(source, PaymentMethod) else None,
        saved_method=saved,
        method_kind=source.kind,
        brand=source.brand,
        last4=source.last4,
        fingerprint=source.fingerprint,
        description=description[:500],
        customer_ref=customer_ref[:100],
        recurring=recurring,
        settles_at=(
            now + timedelta(seconds=settlement.settle_seconds())
            if status == ChargeStatus.PENDING
            else None
        ),
    )
    if status == ChargeStatus.PENDING:
        charge_id, settles_at = charge.charge_id, charge.settles_at
        transaction.on_commit(lambda: settlement.schedule(charge_id, settles_at))
    return charge_json(charge)


def _decline_for(
    source: Token | PaymentMethod,
    required_address_fields: Sequence[str],
    billing: Mapping[str, str] | None,
) -> DeclineCode | None:
    if source.kind == MethodKind.CARD:
        address = (
            billing if billing is not None else {f: getattr(source, f) for f in BILLING_FIELDS}
        )
        missing = [f for f in required_address_fields if not address.get(f)]
        if missing:
            return DeclineCode.ADDRESS_VERIFICATION
    return SCENARIO_DECLINES.get(source.scenario)


def _is_duplicate(
    account: SandboxAccount,
    fingerprint_value: str,
    amount: Decimal,
    currency: str,
    now: Any,
    window_minutes: int,
) -> bool:
    if window_minutes <= 0:
        return False
    return Charge.objects.filter(
        account=account,
        fingerprint=fingerprint_value,
        amount=amount,
        currency=currency,
        status__in=[ChargeStatus.SUCCEEDED, ChargeStatus.PENDING],
        created_at__gte=now - timedelta(minutes=window_minutes),
    ).exists()


def charge_retrieve(
    *, secret_key: str, charge_id: str | None = None, idempotency_key: str | None = None
) -> dict[str, Any] | None:
    account = _authenticate(secret_key)
    charges = Charge.objects.filter(account=account)
    if charge_id:
        charge = charges.filter(charge_id=charge_id).first()
    elif idempotency_key:
        charge = charges.filter(idempotency_key=idempotency_key).first()
    else:
        raise ProcessorError("invalid_request", "Give a charge id or an idempotency key.")
    return charge_json(charge) if charge else None


def charge_list(
    *,
    secret_key: str,
    created_gte: datetime | None = None,
    starting_after: str = "",
    limit: int = 100,
) -> dict[str, Any]:
    """One page of the account's charges, oldest first (as a processor's list endpoint pages:
    `starting_after` is the last charge id of the previous page)."""
    account = _authenticate(secret_key)
    charges = Charge.objects.filter(account=account).select_related("saved_method")
    if created_gte is not None:
        charges = charges.filter(created_at__gte=created_gte)
    if starting_after:
        after = Charge.objects.filter(account=account, charge_id=starting_after).first()
        if after is None:
            raise ProcessorError("invalid_request", "No such charge to start after.")
        charges = charges.filter(pk__gt=after.pk)
    size = max(1, min(limit, 100))
    page = list(charges.order_by("pk")[: size + 1])
    return {
        "object": "list",
        "data": [charge_json(charge) for charge in page[:size]],
        "has_more": len(page) > size,
    }


def charge_json(charge: Charge) -> dict[str, Any]:
    return {
        "id": charge.charge_id,
        "object": "charge",
        "amount": _money(charge.amount, charge.currency),
        "currency": charge.currency,
        "status": charge.status,
        "failure_code": charge.failure_code,
        "idempotency_key": charge.idempotency_key,
        "method": {"kind": charge.method_kind, "brand": charge.brand, "last4": charge.last4},
        "saved_method": method_json(charge.saved_method) if charge.saved_method else None,
        "created": int(charge.created_at.timestamp()),
        "settled": int(charge.settled_at.timestamp()) if charge.settled_at else None,
    }


# Saved methods -------------------------------------------------------------------------


def _method_from_token(token: Token, customer_ref: str) -> PaymentMethod:
    return PaymentMethod.objects.create(
        method_id=new_id("pm_"),
        account=token.account,
        customer_ref=customer_ref[:100],
        kind=token.kind,
        brand=token.brand,
        last4=token.last4,
        exp_month=token.exp_month,
        exp_year=token.exp_year,
        fingerprint=token.fingerprint,
        scenario=token.scenario,
        **{f: getattr(token, f) for f in BILLING_FIELDS},
    )


@transaction.atomic
def payment_method_create(*, secret_key: str, token: str, customer_ref: str = "") -> dict[str, Any]:
    """Save a tokenised card or bank account; a card the issuer refuses is not saved."""
    account = _authenticate(secret_key)
    found = _usable_token(account, token)
    decline = SCENARIO_DECLINES.get(found.scenario)
    if found.kind == MethodKind.CARD and decline is not None:
        raise ProcessorError(
            decline, str(decline.label), status=402, retry_safe=decline in {"processing_error"}
        )
    return method_json(_method_from_token(found, customer_ref))


def method_json(method: PaymentMethod) -> dict[str, Any]:
    return {
        "id": method.method_id,
        "object": "payment_method",
        "kind": method.kind,
        "brand": method.brand,
        "last4": method.last4,
        "exp_month": method.exp_month,
        "exp_year": method.exp_year,
        "billing": {f: getattr(method, f) for f in BILLING_FIELDS},
        "customer_ref": method.customer_ref,
        "detached": method.detached_at is not None,
    }


@transaction.atomic
def payment_method_update(
    *,
    secret_key: str,
    method_id: str,
    exp_month: int | None = None,
    exp_year: int | None = None,
    billing: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    from portico.payments.gateways.sandbox import forms

    account = _authenticate(secret_key)
    method = PaymentMethod.objects.filter(
        account=account, method_id=method_id, detached_at__isnull=True
    ).first()
    if method is None:
        raise ProcessorError("payment_method_invalid", "This saved method is not available.")
    if method.kind == MethodKind.CARD and (exp_month is not None or exp_year is not None):
        errors = forms.expiry_errors(
            str(exp_month or method.exp_month), str(exp_year or method.exp_year)
        )
        if errors:
            raise ProcessorError("invalid_expiry", "; ".join(errors.values()), fields=errors)
        method.exp_month = exp_month or method.exp_month
        method.exp_year = forms.full_year(str(exp_year)) if exp_year else method.exp_year
    for name, value in (billing or {}).items():
        if name in BILLING_FIELDS:
            setattr(method, name, str(value)[:200])
    method.save()
    return method_json(method)


def payment_method_detach(*, secret_key: str, method_id: str) -> dict[str, Any]:
    """Detach a saved method; detaching twice answers the same."""
    account = _authenticate(secret_key)
    method = PaymentMethod.objects.filter(account=account, method_id=method_id).first()
    if method is None:
        return {"id": method_id, "object": "payment_method", "detached": True}
    if method.detached_at is None:
        PaymentMethod.objects.filter(pk=method.pk, detached_at__isnull=True).update(
            detached_at=timezone.now()
        )
        method.refresh_from_db()
    return method_json(method)


# Refunds -------------------------------------------------------------------------------


@transaction.atomic
def refund_create(
    *,
    secret_key: str,
    charge_id: str,
    amount: Decimal | str,
    idempotency_key: str,
    reason: str = "",
) -> dict[str, Any]:
    account = _authenticate(secret_key, lock=True)
    existing = Refund.objects.filter(account=account, idempotency_key=idempotency_key).first()
    if existing is not None:
        return refund_json(existing)
    charge = Charge.objects.filter(account=account, charge_id=charge_id).first()
    if charge is None:
        raise ProcessorError("charge_invalid", "No such charge.", status=404)
    if charge.status != ChargeStatus.SUCCEEDED:
        raise ProcessorError("charge_not_refundable", "Only a succeeded charge can be refunded.")
    value = _amount(amount, charge.currency)
    refunded = sum((r.amount for r in charge.refunds.all()), Decimal(0))
    if value > charge.amount - refunded:
        raise ProcessorError("refund_too_large", "The refund is larger than what is left.")
    refund = Refund.objects.create(
        refund_id=new_id("re_"),
        account=account,
        charge=charge,
        idempotency_key=idempotency_key,
        amount=value,
        reason=reason[:200],
        status=ChargeStatus.SUCCEEDED,
    )
    return refund_json(refund)


def refund_json(refund: Refund) -> dict[str, Any]:
    return {
        "id": refund.refund_id,
        "object": "refund",
        "charge": refund.charge.charge_id,
        "amount": _money(refund.amount, refund.charge.currency),
        "currency": refund.charge.currency,
        "status": refund.status,
    }
