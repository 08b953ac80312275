"""Reads for online payment as one customer sees it in the portal, scoped to that customer.

A foreign, missing or malformed id answers `Http404`, the same as a missing one.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from uuid import UUID

from django.db.models import F, QuerySet

from portico.contacts.scope import PortalScope
from portico.core.tenancy import get_for_scope
from portico.orgs.models import GatewayAccount
from portico.payments import gateway_choice
from portico.payments.gateways import registry
from portico.payments.gateways.base import MethodKind
from portico.payments.models import Checkout, CheckoutItem, SavedMethod
from portico.sales.models import Invoice, RecurringProfile
from portico.sales.portal_selectors import OPEN, invoices_for_portal


def _uuids(values: Iterable[str]) -> list[UUID]:
    found = []
    for value in values:
        try:
            found.append(UUID(str(value)))
        except ValueError:
            continue
    return found


def payable_invoices_for_portal(*, scope: PortalScope) -> QuerySet[Invoice]:
    """Every open invoice with something due, oldest due date first."""
    return (
        invoices_for_portal(scope=scope)
        .filter(OPEN)
        .select_related("recurring_profile")
        .order_by(F("due_date").asc(nulls_last=True), "issue_date", "pk")
    )


def invoices_chosen_for_portal(*, scope: PortalScope, invoice_ids: Iterable[str]) -> list[Invoice]:
    """The customer's invoices among `invoice_ids` (unknown or foreign ids are left out),
    whatever their status: the checkout explains why a paid or void one cannot be paid."""
    wanted = _uuids(invoice_ids)
    if not wanted:
        return []
    return list(
        invoices_for_portal(scope=scope)
        .filter(public_id__in=wanted)
        .select_related("recurring_profile")
        .order_by(F("due_date").asc(nulls_last=True), "issue_date", "pk")
    )


def pending_invoice_ids(*, scope: PortalScope) -> set[int]:
    """Invoices with a bank debit waiting to settle ("payment pending")."""
    return set(
        CheckoutItem.objects.filter(
            checkout__organisation=scope.organisation,
            checkout__contact=scope.contact,
            checkout__state=Checkout.State.PENDING,
        ).values_list("invoice_id", flat=True)
    )


def invoice_payment_pending(*, scope: PortalScope, invoice_id: int) -> bool:
    """A bank debit on this invoice is waiting to settle: it cannot be paid again meanwhile."""
    return CheckoutItem.objects.filter(
        checkout__organisation=scope.organisation,
        checkout__contact=scope.contact,
        checkout__state=Checkout.State.PENDING,
        invoice_id=invoice_id,
    ).exists()


def gateway_account_for_portal(*, scope: PortalScope) -> GatewayAccount | None:
    """Where new methods are saved: the business's first active gateway."""
    return (
        GatewayAccount.objects.filter(
            organisation=scope.organisation, is_active=True, kind__in=registry.kinds()
        )
        .order_by("pk")
        .first()
    )


def gateways_offered_for_portal(
    *, scope: PortalScope, invoices: Sequence[Invoice]
) -> list[GatewayAccount]:
    """The gateways every one of `invoices` (already scoped) offers and whose settings take
    them (currency, minimum): "Pay now" is hidden where none does."""
    offered = gateway_choice.gateways_offered(organisation=scope.organisation, invoices=invoices)
    return gateway_choice.gateways_taking(offered, invoices)


def gateway_pick(offered: Sequence[GatewayAccount], wanted: str | None) -> GatewayAccount | None:
    """The offered account with public id `wanted`, else the first offered one."""
    for account in offered:
        if str(account.public_id) == (wanted or ""):
            return account
    return offered[0] if offered else None


def gateway_get_for_portal(*, scope: PortalScope, gateway_id: str) -> GatewayAccount | None:
    """One of the business's active gateways, by public id (None for anything else)."""
    wanted = _uuids([gateway_id])
    if not wanted:
        return None
    return GatewayAccount.objects.filter(
        organisation=scope.organisation, is_active=True, public_id=wanted[0]
    ).first()


def autopay_profiles_for_portal(*, scope: PortalScope) -> QuerySet[RecurringProfile]:
    """The customer's live recurring profiles that charge their default method."""
    return RecurringProfile.objects.live().filter(
        organisation=scope.organisation, contact=scope.contact, autopay=True
    )


def autopay_profile_get_for_portal(
    *, scope: PortalScope, profile_id: UUID | str
) -> RecurringProfile:
    return get_for_scope(autopay_profiles_for_portal(scope=scope), profile_id)


def hosted_fields_urls(*, scope: PortalScope, account: GatewayAccount | None) -> dict[str, str]:
    """Where the page embeds the gateway's own fields: card always, bank when allowed."""
    if account is None:
        return {}
    gateway = registry.gateway_for(account)
    urls = {MethodKind.CARD.value: gateway.hosted_fields_url(kind=MethodKind.CARD)}
    if scope.contact.allow_bank_debit and MethodKind.BANK in gateway.method_kinds:
        urls[MethodKind.BANK.value] = gateway.hosted_fields_url(kind=MethodKind.BANK)
    return urls


def saved_methods_for_portal(*, scope: PortalScope) -> QuerySet[SavedMethod]:
    methods = SavedMethod.objects.filter(organisation=scope.organisation, contact=scope.contact)
    if not scope.contact.allow_bank_debit:
        methods = methods.exclude(kind=MethodKind.BANK)
    return methods.select_related("gateway_account").order_by("-is_default", "-created_at")


def saved_method_get_for_portal(*, scope: PortalScope, method_id: UUID | str) -> SavedMethod:
    return get_for_scope(saved_methods_for_portal(scope=scope), method_id)


def checkout_get_for_portal(*, scope: PortalScope, checkout_id: UUID | str) -> Checkout:
    checkouts = Checkout.objects.filter(
        organisation=scope.organisation, contact=scope.contact
    ).select_related("payment", "saved_method")
    return get_for_scope(checkouts, checkout_id)


def checkout_items(*, checkout: Checkout) -> list[CheckoutItem]:
    return list(checkout.items.select_related("invoice").order_by("invoice__due_date", "pk"))


def is_expired(method: SavedMethod, today: datetime.date) -> bool:
    if not method.exp_year or not method.exp_month:
        return False
    return (method.exp_year, method.exp_month) < (today.year, today.month)


def checkout_by_key_for_portal(*, scope: PortalScope, key: str) -> Checkout | None:
    """The checkout a form with this key already made (a double click, a replayed POST)."""
    if not key:
        return None
    return Checkout.objects.filter(
        organisation=scope.organisation, contact=scope.contact, idempotency_key=key[:80]
    ).first()
