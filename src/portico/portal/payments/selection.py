"""The invoices a person chose on the pay page, kept in their session (never in the form):
the page shows one page of open invoices at a time, and the choice outlives paging, searching
and reloading. The form then carries only a digest of what was shown (constant size)."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from django.contrib.sessions.backends.base import SessionBase

from portico.contacts.scope import PortalScope
from portico.payments.checkout.selectors import Choice

MAX_IDS = 10_000
"""A bound on a hand-made list (a customer ticking that many would choose "all" instead)."""


def _key(scope: PortalScope) -> str:
    return f"portico.pay.{scope.organisation.pk}.{scope.contact.pk}"


def _clean(values: Iterable[object]) -> list[str]:
    found = []
    for value in values:
        try:
            found.append(str(UUID(str(value))))
        except ValueError:
            continue
    return found


def choice_get(session: SessionBase, scope: PortalScope) -> Choice:
    """The stored choice; every open invoice when nothing was chosen yet."""
    stored = session.get(_key(scope))
    if not isinstance(stored, dict):
        return Choice()
    return Choice(
        everything=bool(stored.get("all", True)),
        ids=frozenset(_clean(stored.get("ids", []))),
        skip=frozenset(_clean(stored.get("skip", []))),
    )


def choice_set(session: SessionBase, scope: PortalScope, choice: Choice) -> Choice:
    ids = sorted(choice.ids)[:MAX_IDS]
    skip = sorted(choice.skip)[:MAX_IDS]
    session[_key(scope)] = {"all": choice.everything, "ids": ids, "skip": skip}
    return Choice(everything=choice.everything, ids=frozenset(ids), skip=frozenset(skip))


def choose_only(session: SessionBase, scope: PortalScope, public_ids: Iterable[object]) -> Choice:
    """Exactly these invoices (from a "Pay now" link)."""
    return choice_set(session, scope, Choice(everything=False, ids=frozenset(_clean(public_ids))))


def choose_all(session: SessionBase, scope: PortalScope) -> Choice:
    return choice_set(session, scope, Choice())


def choose_none(session: SessionBase, scope: PortalScope) -> Choice:
    return choice_set(session, scope, Choice(everything=False))


def choose_on_page(
    session: SessionBase,
    scope: PortalScope,
    *,
    shown: Iterable[object],
    ticked: Iterable[object],
) -> Choice:
    """Apply the ticks of one page: the `shown` invoices are chosen when `ticked`, left out
    otherwise; the invoices of other pages keep their state."""
    current = choice_get(session, scope)
    shown_ids = set(_clean(shown))
    ticked_ids = set(_clean(ticked)) & shown_ids
    unticked = shown_ids - ticked_ids
    if current.everything:
        choice = Choice(everything=True, skip=(current.skip - ticked_ids) | unticked)
    else:
        choice = Choice(everything=False, ids=(current.ids - unticked) | ticked_ids)
    if choice == current:
        return current
    return choice_set(session, scope, choice)
