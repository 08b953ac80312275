"""Reconcile: settle from the gateway the checkouts a crash, a timeout or a lost webhook left
open. Posting goes through `checkout.services.checkout_settle` (`checkout_apply_result`, which
locks and re-checks the checkout), so any number of runs post a charge exactly once."""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portico.orgs.models import Organisation
from portico.payments.checkout import services as checkout_services
from portico.payments.gateways import registry
from portico.payments.gateways.base import ChargeStatus, GatewayError
from portico.payments.models import Checkout

logger = logging.getLogger(__name__)

State = Checkout.State
STALE_PROCESSING = datetime.timedelta(minutes=5)
FRESH_UNKNOWN = datetime.timedelta(seconds=20)
"""A charge the gateway has no record of yet may still be on its way (a timeout, not a refusal):
an unknown checkout is closed as never charged only once it is older than this. Its own
reconcile task runs after `tasks.RECONCILE_DELAY`, which is longer."""


def checkout_reconcile(*, checkout: Checkout) -> Checkout:
    """Settle a checkout left unknown (or processing too long, or pending) from the gateway.

    Safe to run any number of times: posting locks and re-checks the checkout's state.
    """
    if checkout.state not in (State.UNKNOWN, State.PROCESSING, State.PENDING):
        return checkout
    if (
        checkout.state == State.PROCESSING
        and checkout.updated_at > timezone.now() - STALE_PROCESSING
    ):
        return checkout  # the request that started it may still be waiting for the gateway
    gateway = registry.gateway_for(checkout.gateway_account)
    result = gateway.retrieve_charge(idempotency_key=f"checkout:{checkout.public_id}")
    if result is None:
        if checkout.state == State.PENDING:
            return checkout
        if checkout.state == State.UNKNOWN and checkout.updated_at > timezone.now() - FRESH_UNKNOWN:
            return checkout  # the next run decides
        return _close_never_charged(checkout)
    if result.status == ChargeStatus.PENDING and checkout.state == State.PENDING:
        return checkout
    if result.action_required:
        # The customer left the bank's authentication unfinished (or never saw it, when the
        # answer was lost): the charge is cancelled and the checkout fails with that reason.
        result = gateway.charge_abandon(transaction_id=result.transaction_id)
    return checkout_services.checkout_settle(checkout_id=checkout.pk, result=result)


def checkout_reconcile_by_id(*, checkout_id: int) -> str:
    """`checkout_reconcile` for the checkout with this pk (a task's argument); answers its state,
    or "" when the checkout is gone."""
    found = Checkout.objects.select_related("gateway_account").filter(pk=checkout_id).first()
    if found is None:
        return ""
    return str(checkout_reconcile(checkout=found).state)


@transaction.atomic
def _close_never_charged(checkout: Checkout) -> Checkout:
    locked = Checkout.objects.select_for_update().get(pk=checkout.pk)
    if locked.state in (State.UNKNOWN, State.PROCESSING):
        checkout_services.set_failed(
            locked,
            code="not_charged",
            message=_("The payment did not reach the payment service; nothing was charged."),
        )
    return locked


def checkouts_reconcile(*, organisation: Organisation | None = None) -> dict[str, int]:
    """Reconcile every open checkout; answers how many ended in each state."""
    open_checkouts = Checkout.objects.filter(
        state__in=(State.UNKNOWN, State.PROCESSING, State.PENDING)
    ).select_related("gateway_account")
    if organisation is not None:
        open_checkouts = open_checkouts.filter(organisation=organisation)
    counts: dict[str, int] = {}
    for row in open_checkouts.order_by("pk"):
        try:
            state = checkout_reconcile(checkout=row).state
        except GatewayError as exc:
            logger.warning("checkout %s not reconciled: %s", row.public_id, exc)
            state = "error"
        counts[state] = counts.get(state, 0) + 1
    return counts
