"""Which of the business's gateway accounts may take a payment of some invoices.

An invoice offers the gateways ticked on it, or every active one when none is ticked. Several
invoices paid in one charge go through a gateway every one of them offers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from django.utils.translation import gettext as _

from portico.orgs.models import GatewayAccount, Organisation
from portico.payments.checkout.plan import CheckoutRefused
from portico.payments.gateways import registry
from portico.sales.models import Invoice


def gateways_offered(
    *, organisation: Organisation, invoices: Sequence[Invoice]
) -> list[GatewayAccount]:
    """The active accounts every one of `invoices` offers (two queries, whatever the count)."""
    active = list(
        GatewayAccount.objects.filter(
            organisation=organisation, is_active=True, kind__in=registry.kinds()
        ).order_by("pk")
    )
    if not active or not invoices:
        return active
    ticked: dict[int, set[int]] = defaultdict(set)
    rows = Invoice.payment_gateways.through.objects.filter(
        invoice_id__in=[invoice.pk for invoice in invoices]
    ).values_list("invoice_id", "gatewayaccount_id")
    for invoice_id, account_id in rows:
        ticked[invoice_id].add(account_id)
    allowed = {account.pk for account in active}
    for chosen in ticked.values():
        allowed &= chosen
    return [account for account in active if account.pk in allowed]


def gateways_taking(
    accounts: Sequence[GatewayAccount], invoices: Sequence[Invoice]
) -> list[GatewayAccount]:
    """The accounts whose settings let them take these invoices in full: their currency is
    listed and what is due reaches the account's minimum (otherwise CP4003 / CP4001)."""
    if not invoices:
        return list(accounts)
    currencies = {invoice.currency for invoice in invoices}
    due = sum((invoice.balance_due for invoice in invoices), Decimal(0))
    taking = []
    for account in accounts:
        config = registry.config_for(account)
        if currencies <= set(config.currencies) and all(
            due >= config.minimum_for(currency) for currency in currencies
        ):
            taking.append(account)
    return taking


def gateway_choose(
    *,
    organisation: Organisation,
    invoices: Sequence[Invoice],
    account: GatewayAccount | None = None,
) -> GatewayAccount:
    """The account to charge through: `account` when given (it must be offered), otherwise the
    first one offered. Refuses, with nothing charged, when none is."""
    offered = gateways_offered(organisation=organisation, invoices=invoices)
    if account is not None:
        if account.pk in {a.pk for a in offered}:
            return account
        raise CheckoutRefused(
            _("%(gateway)s cannot take a payment of these invoices. Choose another way to pay.")
            % {"gateway": account.display_name},
            code="gateway_not_offered",
        )
    if offered:
        return offered[0]
    if not GatewayAccount.objects.filter(
        organisation=organisation, is_active=True, kind__in=registry.kinds()
    ).exists():
        raise CheckoutRefused(
            _("This business does not take online payments yet."), code="no_gateway"
        )
    if len(invoices) == 1:
        message = _("This invoice cannot be paid online. Please contact the business.")
    else:
        message = _(
            "These invoices cannot be paid together online: they are paid through different "
            "payment services. Pay them one at a time."
        )
    raise CheckoutRefused(message, code="no_common_gateway")
