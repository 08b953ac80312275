"""Domain errors with stable codes, and the portal's error codes (DESIGN.md §6)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


class DomainError(Exception):
    """A rule was broken. `code` is stable (API, logs); `message` is for people."""

    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code


class InvalidTransition(DomainError):
    code = "invalid_transition"

    def __init__(self, kind: str, current: str, target: str) -> None:
        super().__init__(f"A {kind} that is {current} cannot become {target}.")
        self.kind = kind
        self.current = current
        self.target = target


class PortalError(models.TextChoices):
    CONTACT_DELETED = "CP1003", _("This customer account is no longer active.")
    RECURRING_PROFILE_DELETED = "CP1004", _("This invoice's recurring profile was deleted.")
    NO_DEFAULT_TAX = "CP2001", _("Online payment is not set up for this business yet.")
    REFERENCE_CHARGES_DISABLED = "CP3001", _("Saved payment methods cannot be charged right now.")
    GATEWAY_CREDENTIALS_INVALID = "CP3002", _("The payment service could not be reached.")
    FRAUD_FILTER = "CP3003", _("The payment was blocked by the fraud filter.")
    ADDRESS_VERIFICATION = "CP3004", _("The billing address did not match the card.")
    DUPLICATE = "CP3005", _("The same payment was just made; it was not charged again.")
    BELOW_MINIMUM = "CP4001", _("The amount is below the minimum for online payment.")
    RECURRING_UNSUPPORTED = "CP4002", _("The payment service cannot make recurring charges.")
    CURRENCY_UNSUPPORTED = "CP4003", _("The payment service does not accept this currency.")


PORTAL_ERROR_REMEDIES: dict[PortalError, _StrOrPromise] = {
    PortalError.CONTACT_DELETED: _("Restore the customer, or ask them to use another account."),
    PortalError.RECURRING_PROFILE_DELETED: _(
        "Restore the recurring profile or issue a new invoice."
    ),
    PortalError.NO_DEFAULT_TAX: _("Choose a default tax in Settings → Taxes."),
    PortalError.REFERENCE_CHARGES_DISABLED: _(
        "Enable reference transactions on the gateway account."
    ),
    PortalError.GATEWAY_CREDENTIALS_INVALID: _("Check the gateway account's credentials."),
    PortalError.FRAUD_FILTER: _("Review the gateway's fraud filter settings for this payment."),
    PortalError.ADDRESS_VERIFICATION: _("Ask the customer to check the card's billing address."),
    PortalError.DUPLICATE: _("No action needed; the first payment went through."),
    PortalError.BELOW_MINIMUM: _("Lower the gateway's minimum amount or ask for another method."),
    PortalError.RECURRING_UNSUPPORTED: _("Enable recurring charges on the gateway account."),
    PortalError.CURRENCY_UNSUPPORTED: _("Add the currency to the gateway account."),
}


def portal_message(code: str, message: str) -> str:
    """A failure's message in the active language: a published CP code's own, else `message`
    as it was given."""
    return str(PortalError(code).label) if code in PortalError.values else message


class PortalFailure(DomainError):
    """A portal action failed with one of the published CP codes."""

    def __init__(self, error: PortalError, message: str | None = None) -> None:
        super().__init__(message or str(error.label), code=error.value)
        self.error = error

    @property
    def remedy(self) -> str:
        return str(PORTAL_ERROR_REMEDIES[self.error])
