"""Which of the business's gateway accounts may take a payment of some invoices.

An invoice offers the gateways ticked on it, or every active one when none is ticked. Several
invoices paid in one charge go through a gateway every one of them offers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from portico.core.errors import PortalError
from portico.core.prepared import Read, bind
from portico.orgs.models import GatewayAccount, Organisation
from portico.payments.checkout.plan import CheckoutRefused
from portico.payments.gateways import registry
from portico.sales.models import Invoice


def offered_accounts(organisation: Organisation) -> QuerySet[GatewayAccount]:
    """The business's active accounts of a gateway this installation offers (the sandbox only
    while SANDBOX_GATEWAY is on): what an invoice may offer, and what the portal may charge."""
    return GatewayAccount.objects.filter(_offered(), organisation=organisation).order_by("pk")


def _offered() -> Q:
    return Q(is_active=True, kind__in=registry.kinds())


def active_accounts(organisation: Organisation) -> list[GatewayAccount]:
    """`offered_accounts`, read."""
    return list(offered_accounts(organisation))


def gateways_offered(
    *, organisation: Organisation, invoices: Sequence[Invoice] | QuerySet[Invoice]
) -> list[GatewayAccount]:
    """The active accounts every one of `invoices` offers (two queries, whatever the count;
    a queryset of invoices stays in the database as a subquery)."""
    active = active_accounts(organisation)
    if not active:
        return active
    if isinstance(invoices, QuerySet):
        chosen: Any = invoices.order_by().values("pk")
    elif invoices:
        chosen = [invoice.pk for invoice in invoices]
    else:
        return active
    ticked: dict[int, set[int]] = defaultdict(set)
    rows = Invoice.payment_gateways.through.objects.filter(invoice_id__in=chosen).values_list(
        "invoice_id", "gatewayaccount_id"
    )
    for invoice_id, account_id in rows:
        ticked[invoice_id].add(account_id)
    allowed = {account.pk for account in active}
    for chosen in ticked.values():
        allowed &= chosen
    return [account for account in active if account.pk in allowed]


def gateways_taking(
    accounts: Sequence[GatewayAccount], invoices: Sequence[Invoice] | QuerySet[Invoice]
) -> list[GatewayAccount]:
    """The accounts whose settings let them take these invoices in full: their currency is
    listed and what is due reaches the account's minimum (otherwise CP4003 / CP4001). A
    queryset is summed in the database (one query), however many invoices it holds."""
    if not accounts:
        return []
    if isinstance(invoices, QuerySet):
        totals = invoices.order_by().values("currency").annotate(due=Sum("balance_due"))
        per_currency = {row["currency"]: row["due"] or Decimal(0) for row in totals}
    else:
        per_currency = {}
        for invoice in invoices:
            per_currency[invoice.currency] = (
                per_currency.get(invoice.currency, Decimal(0)) + invoice.balance_due
            )
    if not per_currency:
        return list(accounts)
    due = sum(per_currency.values(), Decimal(0))
    taking = []
    for account in accounts:
        config = registry.config_for(account)
        if set(per_currency) <= set(config.currencies) and all(
            due >= config.minimum_for(currency) for currency in per_currency
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
    if not offered_accounts(organisation).exists():
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


# --- which invoices can be paid online at all, and why not ---------------------------------------


def usable_accounts(
    *, organisation: Organisation, currency: str, active: Sequence[GatewayAccount] | None = None
) -> list[GatewayAccount]:
    """The active accounts that take payments in `currency`."""
    accounts = active_accounts(organisation) if active is None else active
    return [account for account in accounts if currency in account.currency_list]


def payable_online(usable: Sequence[GatewayAccount]) -> Q:
    """Invoices a usable account may take: none ticked (every account offered), or one of the
    ticked ones usable. A filter for a queryset of invoices (no query of its own)."""
    if not usable:
        return Q(pk__in=[])
    through = Invoice.payment_gateways.through.objects
    ticked = Exists(through.filter(invoice_id=OuterRef("pk")))
    ticked_usable = Exists(
        through.filter(
            invoice_id=OuterRef("pk"), gatewayaccount_id__in=[account.pk for account in usable]
        )
    )
    return ~ticked | ticked_usable


def offline_reason(
    *,
    organisation: Organisation,
    currency: str,
    ticked: Sequence[GatewayAccount] | None = None,
    active: Sequence[GatewayAccount] | None = None,
) -> str:
    """Why an invoice in `currency` (offering the `ticked` accounts, or every one when none is
    ticked) cannot be paid online, or "" when it can."""
    accounts = active_accounts(organisation) if active is None else list(active)
    if not accounts:
        return _("This business does not take online payments yet.")
    usable = usable_accounts(organisation=organisation, currency=currency, active=accounts)
    if not usable:
        return _(
            "Payments in %(currency)s cannot be taken online: none of the business's payment "
            "services accepts this currency."
        ) % {"currency": currency}
    if ticked:
        usable_ids = {account.pk for account in usable}
        if not any(account.pk in usable_ids for account in ticked):
            return _(
                "The payment services chosen for this invoice are not available for online payment."
            )
    return ""


def invoice_offline_reason(*, organisation: Organisation, invoice: Invoice) -> str:
    """`offline_reason` for one invoice, and also its amount: no usable account whose minimum
    (its own, or the gateway's for the currency) the balance reaches (one query: the offered
    accounts and the ones ticked on the invoice, each marked)."""
    return invoice_offline_reason_read(organisation=organisation, invoice=invoice).run()


def invoice_offline_reason_read(*, organisation: Organisation, invoice: Invoice) -> Read[str]:
    """`invoice_offline_reason`, to read with the invoice page's other queries."""
    through = Invoice.payment_gateways.through.objects
    ticked_here = Exists(through.filter(invoice_id=invoice.pk, gatewayaccount_id=OuterRef("pk")))
    accounts = (
        GatewayAccount.objects.filter(organisation=organisation)
        .filter(_offered() | Q(ticked_here))
        .annotate(
            offered=ExpressionWrapper(_offered(), output_field=BooleanField()), ticked=ticked_here
        )
        .order_by("pk")
    )
    return Read(
        bind(accounts),
        lambda rows: _invoice_offline_reason(organisation, invoice, rows),
    )


def _invoice_offline_reason(
    organisation: Organisation, invoice: Invoice, accounts: list[Any]
) -> str:
    ticked = [account for account in accounts if account.ticked]
    active = [account for account in accounts if account.offered]
    reason = offline_reason(
        organisation=organisation, currency=invoice.currency, ticked=ticked, active=active
    )
    if reason:
        return reason
    usable = usable_accounts(organisation=organisation, currency=invoice.currency, active=active)
    if ticked:
        usable = [account for account in usable if account.pk in {a.pk for a in ticked}]
    if invoice.balance_due > 0 and not gateways_taking(usable, [invoice]):
        return str(PortalError.BELOW_MINIMUM.label)
    return ""
