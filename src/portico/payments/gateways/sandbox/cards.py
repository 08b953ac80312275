"""Card and bank-account arithmetic and the sandbox's deterministic test numbers."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scenario(models.TextChoices):
    SUCCESS = "success", _("success")
    DECLINE = "decline", _("declined (generic)")
    INSUFFICIENT_FUNDS = "insufficient_funds", _("declined (insufficient funds)")
    FRAUD = "fraud", _("blocked by the fraud filter")
    ADDRESS_VERIFICATION = "address_verification", _("address verification failed")
    PROCESSING_ERROR = "processing_error", _("processing error")
    ACCOUNT_CLOSED = "account_closed", _("bank account closed")


CARD_SCENARIOS = {
    "4000000000000002": Scenario.DECLINE,
    "4000000000009995": Scenario.INSUFFICIENT_FUNDS,
    "4100000000000019": Scenario.FRAUD,
    "4000000000000010": Scenario.ADDRESS_VERIFICATION,
    "4000000000000119": Scenario.PROCESSING_ERROR,
}
BANK_SCENARIOS = {"000111111113": Scenario.ACCOUNT_CLOSED}

# (brand, prefixes, lengths)
BRANDS: list[tuple[str, tuple[str, ...], tuple[int, ...]]] = [
    ("amex", ("34", "37"), (15,)),
    ("visa", ("4",), (13, 16, 19)),
    ("mastercard", ("51", "52", "53", "54", "55", "22", "23", "24", "25", "26", "27"), (16,)),
    ("discover", ("6011", "65"), (16, 19)),
    ("diners", ("36", "38", "300", "301", "302", "303", "304", "305"), (14,)),
    ("jcb", ("35",), (16,)),
]


def luhn_valid(number: str) -> bool:
    if not number.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def card_brand(number: str) -> str:
    for brand, prefixes, lengths in BRANDS:
        if number.startswith(prefixes) and len(number) in lengths:
            return brand
    return "unknown"


def card_scenario(number: str) -> Scenario:
    return CARD_SCENARIOS.get(number, Scenario.SUCCESS)


def bank_scenario(account_number: str) -> Scenario:
    return BANK_SCENARIOS.get(account_number, Scenario.SUCCESS)


def routing_number_valid(routing: str) -> bool:
    """ABA routing number: nine digits, weights 3-7-1, sum divisible by ten."""
    if len(routing) != 9 or not routing.isdigit():
        return False
    weights = (3, 7, 1) * 3
    return sum(int(d) * w for d, w in zip(routing, weights, strict=True)) % 10 == 0


def digits_only(value: str) -> str:
    return "".join(ch for ch in value if ch not in " -")
