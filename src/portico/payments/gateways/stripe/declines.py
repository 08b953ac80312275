"""Stripe's decline and error codes, read as the portal's decline codes (and CP codes)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from portico.payments.gateways.base import DECLINE_PORTAL_ERRORS, DeclineCode

# https://docs.stripe.com/declines/codes — anything not listed is a generic decline.
_BY_STRIPE_CODE: dict[str, DeclineCode] = {
    "insufficient_funds": DeclineCode.INSUFFICIENT_FUNDS,
    "fraudulent": DeclineCode.FRAUD,
    "stolen_card": DeclineCode.FRAUD,
    "lost_card": DeclineCode.FRAUD,
    "pickup_card": DeclineCode.FRAUD,
    "merchant_blacklist": DeclineCode.FRAUD,
    "restricted_card": DeclineCode.FRAUD,
    "security_violation": DeclineCode.FRAUD,
    "incorrect_zip": DeclineCode.ADDRESS_VERIFICATION,
    "incorrect_address": DeclineCode.ADDRESS_VERIFICATION,
    "duplicate_transaction": DeclineCode.DUPLICATE,
    "processing_error": DeclineCode.PROCESSING_ERROR,
    "try_again_later": DeclineCode.PROCESSING_ERROR,
    "reenter_transaction": DeclineCode.PROCESSING_ERROR,
    "issuer_not_available": DeclineCode.PROCESSING_ERROR,
}

AUTHENTICATION_REQUIRED = "authentication_required"


def decline_code(error: Mapping[str, Any] | None) -> str:
    """The portal's decline code for Stripe's `last_payment_error` (or an error body)."""
    if not error:
        return DeclineCode.CARD_DECLINED
    for key in ("decline_code", "code"):
        value = str(error.get(key) or "")
        if value in _BY_STRIPE_CODE:
            return _BY_STRIPE_CODE[value]
        if value in {AUTHENTICATION_REQUIRED, "payment_intent_authentication_failure"}:
            return AUTHENTICATION_REQUIRED
    return DeclineCode.CARD_DECLINED


def message(code: str) -> str:
    if code == AUTHENTICATION_REQUIRED:
        return _("Your bank asked to confirm this payment. Please pay again and confirm it.")
    try:
        return str(DeclineCode(code).label)
    except ValueError:
        return str(DeclineCode.CARD_DECLINED.label)


def portal_error(code: str) -> Any:
    return DECLINE_PORTAL_ERRORS.get(code)
