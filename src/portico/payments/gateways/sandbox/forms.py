"""Validation of what is typed into the hosted fields. Numbers are checked here and then
dropped: only brand, last four, expiry and a fingerprint leave this module."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from portico.payments.gateways.base import MethodKind
from portico.payments.gateways.sandbox.cards import (
    bank_scenario,
    card_brand,
    card_scenario,
    digits_only,
    luhn_valid,
    routing_number_valid,
)

ADDRESS_INPUTS = {
    "name": ("name", "account_holder"),
    "line1": ("address_line1", "line1"),
    "line2": ("address_line2", "line2"),
    "city": ("address_city", "city"),
    "state": ("address_state", "state"),
    "postal_code": ("address_zip", "postal_code"),
    "country": ("address_country", "country"),
}


@dataclass
class PaymentDetails:
    kind: str
    brand: str
    last4: str
    scenario: str
    fingerprint_source: str = field(repr=False)
    exp_month: int | None = None
    exp_year: int | None = None
    billing: dict[str, str] = field(default_factory=dict)


def _text(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name, "")
    return str(value).strip() if value is not None else ""


def full_year(value: str) -> int:
    year = int(value)
    return year + 2000 if year < 100 else year


def expiry_errors(month: str, year: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not month.isdigit() or not 1 <= int(month) <= 12:
        errors["exp_month"] = _("Enter the expiry month (1–12).")
    if not year.isdigit() or len(year) not in (2, 4):
        errors["exp_year"] = _("Enter the expiry year.")
    if errors:
        return errors
    today = timezone.localdate()
    if (full_year(year), int(month)) < (today.year, today.month):
        errors["exp_year"] = _("This card has expired.")
    elif full_year(year) > today.year + 20:
        errors["exp_year"] = _("Enter a valid expiry year.")
    return errors


def _billing(data: Mapping[str, Any]) -> dict[str, str]:
    billing: dict[str, str] = {}
    for name, inputs in ADDRESS_INPUTS.items():
        value = next((_text(data, i) for i in inputs if _text(data, i)), "")
        billing[name] = value[:2].upper() if name == "country" else value[:200]
    return billing


def validate_payment_details(data: Mapping[str, Any]) -> PaymentDetails:
    """Card (number, exp_month, exp_year, cvc) or bank (routing_number, account_number)."""
    from portico.payments.gateways.sandbox.processor import ProcessorError

    errors: dict[str, str] = {}
    if _text(data, "routing_number") or _text(data, "account_number"):
        routing = digits_only(_text(data, "routing_number"))
        account = digits_only(_text(data, "account_number"))
        if not routing_number_valid(routing):
            errors["routing_number"] = _("Enter a valid 9-digit routing number.")
        if not account.isdigit() or not 4 <= len(account) <= 17:
            errors["account_number"] = _("Enter a valid account number (4–17 digits).")
        billing = _billing(data)
        if not billing["name"]:
            errors["account_holder"] = _("Enter the account holder's name.")
        if errors:
            raise ProcessorError("invalid_request", _("Check the bank details."), fields=errors)
        return PaymentDetails(
            kind=MethodKind.BANK,
            brand="bank",
            last4=account[-4:],
            scenario=bank_scenario(account),
            fingerprint_source=f"{routing}:{account}",
            billing=billing,
        )

    number = digits_only(_text(data, "number"))
    month, year, cvc = _text(data, "exp_month"), _text(data, "exp_year"), _text(data, "cvc")
    if not number.isdigit() or not 12 <= len(number) <= 19 or not luhn_valid(number):
        errors["number"] = _("Enter a valid card number.")
    errors.update(expiry_errors(month, year))
    brand = card_brand(number) if "number" not in errors else "unknown"
    cvc_length = 4 if brand == "amex" else 3
    if not cvc.isdigit() or len(cvc) != cvc_length:
        errors["cvc"] = _("Enter the %(n)d-digit security code.") % {"n": cvc_length}
    if errors:
        raise ProcessorError("invalid_request", _("Check the card details."), fields=errors)
    return PaymentDetails(
        kind=MethodKind.CARD,
        brand=brand,
        last4=number[-4:],
        scenario=card_scenario(number),
        fingerprint_source=number,
        exp_month=int(month),
        exp_year=full_year(year),
        billing=_billing(data),
    )
