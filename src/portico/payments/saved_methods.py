"""Saved cards and bank accounts: the gateway keeps the details, this table keeps the reference
and what a person needs to recognise the method (brand, last 4, expiry, billing address)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from portico.contacts.models import Contact
from portico.contacts.scope import PortalScope
from portico.core.errors import DomainError, PortalError, PortalFailure
from portico.orgs.models import GatewayAccount
from portico.payments.gateways import registry
from portico.payments.gateways.base import (
    BillingAddress,
    GatewayError,
    SavedMethodResult,
    SaveMethodRequest,
    UpdateMethodRequest,
)
from portico.payments.models import SavedMethod

BILLING_FIELDS = ("name", "line1", "line2", "city", "state", "postal_code", "country")


def _fill(method: SavedMethod, result: SavedMethodResult) -> None:
    method.kind = result.kind
    method.brand = result.brand
    method.last4 = result.last4[-4:]
    method.exp_month = result.exp_month
    method.exp_year = result.exp_year
    for name in BILLING_FIELDS:
        setattr(method, f"billing_{name}", getattr(result.billing, name) or "")


@transaction.atomic
def saved_method_keep(
    *, contact: Contact, account: GatewayAccount, method: SavedMethodResult
) -> SavedMethod:
    """Record a method the gateway saved (once per reference); the first one is the default."""
    found = SavedMethod.objects.filter(gateway_account=account, reference=method.reference).first()
    if found is not None:
        return found
    has_default = SavedMethod.objects.filter(contact=contact, is_default=True).exists()
    saved = SavedMethod(
        organisation_id=contact.organisation_id,
        contact=contact,
        gateway_account=account,
        reference=method.reference,
        is_default=not has_default,
    )
    _fill(saved, method)
    saved.save()
    return saved


def _gateway_failure(exc: GatewayError) -> DomainError:
    if exc.error is not None:
        return PortalFailure(exc.error)
    return DomainError(exc.message, code=exc.code)


def saved_method_add(*, scope: PortalScope, account: GatewayAccount, token: str) -> SavedMethod:
    """Turn a one-time token from the hosted fields into a saved method (no charge)."""
    if not token:
        raise DomainError(_("Enter your card or bank details."), code="no_method")
    if account.organisation_id != scope.organisation.pk:
        raise DomainError(_("Unknown payment service."), code="foreign_account")
    gateway = registry.gateway_for(account)
    try:
        result = gateway.save_method(
            SaveMethodRequest(token=token, customer_ref=str(scope.contact.public_id))
        )
    except GatewayError as exc:
        raise _gateway_failure(exc) from None
    if result.kind == "bank" and not scope.contact.allow_bank_debit:
        gateway.delete_method(reference=result.reference)
        raise DomainError(_("Bank debit is not offered to you."), code="bank_not_allowed")
    return saved_method_keep(contact=scope.contact, account=account, method=result)


@transaction.atomic
def saved_method_set_default(*, scope: PortalScope, method: SavedMethod) -> SavedMethod:
    _ensure_own(scope, method)
    SavedMethod.objects.filter(contact=scope.contact, is_default=True).exclude(pk=method.pk).update(
        is_default=False
    )
    SavedMethod.objects.filter(pk=method.pk).update(is_default=True)
    method.is_default = True
    return method


def saved_method_update(
    *,
    scope: PortalScope,
    method: SavedMethod,
    exp_month: int | None,
    exp_year: int | None,
    billing: BillingAddress,
) -> SavedMethod:
    """Change expiry and billing address at the gateway first, then here."""
    _ensure_own(scope, method)
    gateway = registry.gateway_for(method.gateway_account)
    try:
        result = gateway.update_method(
            UpdateMethodRequest(
                reference=method.reference, exp_month=exp_month, exp_year=exp_year, billing=billing
            )
        )
    except GatewayError as exc:
        raise _gateway_failure(exc) from None
    _fill(method, result)
    method.save()
    return method


def saved_method_delete(*, scope: PortalScope, method: SavedMethod) -> None:
    """Detach at the gateway (already gone is fine), then forget it; running twice is harmless."""
    _ensure_own(scope, method)
    gateway = registry.gateway_for(method.gateway_account)
    try:
        gateway.delete_method(reference=method.reference)
    except GatewayError as exc:
        if exc.error == PortalError.GATEWAY_CREDENTIALS_INVALID:
            raise _gateway_failure(exc) from None
    with transaction.atomic():
        was_default = method.is_default
        SavedMethod.objects.filter(pk=method.pk).delete()
        if was_default:
            successor = SavedMethod.objects.filter(contact=scope.contact).order_by("-created_at")
            first = successor.first()
            if first is not None:
                SavedMethod.objects.filter(pk=first.pk).update(is_default=True)


def _ensure_own(scope: PortalScope, method: SavedMethod) -> None:
    if method.contact_id != scope.contact.pk or method.organisation_id != scope.organisation.pk:
        raise DomainError(_("That saved method is not yours."), code="foreign_method")
