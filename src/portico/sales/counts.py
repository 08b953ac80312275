"""The portal lists' kept counts (`AccountCount`): how many of a customer's documents of each
kind the portal shows in each state, moved in the transaction that creates a document or changes
its status, so a list's total and its per-status counts read a handful of rows, never the
customer's history.

A counted kind declares its documents (what the portal shows of them) and the state each counts
under, as a model property (`portal_count_key`, "" while the portal hides the document) and as
the same expression in SQL (for `ledger check` and bulk loads). Sales counts invoices and
estimates; payments registers its payments (`AppConfig.ready`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, F, QuerySet, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Concat

from portico.contacts.models import Contact
from portico.contacts.scope import PortalScope, ScopedQuery
from portico.sales.models import AccountCount, Estimate, Invoice

Key = tuple[int, int, str, str]
"""(organisation id, contact id, kind, state)."""


@dataclass(frozen=True)
class Counted:
    """A kind of document the portal lists count: `documents(contacts)` answers the ones the
    portal shows of these customers, `key` the state each counts under, in SQL."""

    documents: Callable[[QuerySet[Contact]], QuerySet[Any]]
    key: Combinable


COUNTED: dict[str, Counted] = {
    "invoice": Counted(
        lambda contacts: Invoice.objects.filter(contact__in=contacts).exclude(
            Invoice.PORTAL_HIDDEN
        ),
        Concat(F("kind"), Value(":"), F("status")),
    ),
    "estimate": Counted(
        lambda contacts: Estimate.objects.filter(contact__in=contacts).exclude(
            Estimate.PORTAL_HIDDEN
        ),
        F("status"),
    ),
}


def register(kind: str, counted: Counted) -> None:
    """Count `kind` too (an app above sales, from its `AppConfig.ready`)."""
    COUNTED[kind] = counted


def moved(document: Any, kind: str, before: str) -> None:
    """`document` went from the state `before` ("" when new or hidden) to its current one."""
    shift(
        organisation_id=document.organisation_id,
        contact_id=document.contact_id,
        kind=kind,
        before=before,
        after=document.portal_count_key,
    )


def shift(
    *, organisation_id: int, contact_id: int, kind: str, before: str, after: str, n: int = 1
) -> None:
    """Move `n` documents from one state to another, in one statement that adds to the rows
    of both states (made when missing), so two transactions moving the same customer's counts
    add up instead of overwriting; rows taken in the order of their keys, so two such
    transactions never wait on each other in a cycle."""
    if before == after or n == 0:
        return
    deltas = sorted((key, delta) for key, delta in ((before, -n), (after, n)) if key)
    _add_all(organisation_id, contact_id, kind, deltas)


def _add_all(
    organisation_id: int, contact_id: int, kind: str, deltas: list[tuple[str, int]]
) -> None:
    """Add each delta to its state's row, inserting a missing row (an upsert, one statement on
    PostgreSQL and SQLite alike). A new row starts at what it gains (never below 0: the check
    holds on the row proposed too); a row there already is moved by its delta."""
    table = AccountCount._meta.db_table
    quote = connection.ops.quote_name
    column = {f.name: quote(f.column or f.name) for f in AccountCount._meta.concrete_fields}
    unique = ", ".join(column[name] for name in ("organisation", "contact", "kind", "key"))
    columns = f"{unique}, {column['n']}"
    rows = ", ".join(["(%s, %s, %s, %s, %s)"] * len(deltas))
    cases = " ".join(["WHEN %s THEN %s"] * len(deltas))
    params: list[Any] = []
    for key, delta in deltas:
        params += [organisation_id, contact_id, kind, key, max(delta, 0)]
    for key, delta in deltas:
        params += [key, delta]
    n, table = column["n"], quote(table)
    sql = (  # quoted names and placeholders only
        f"INSERT INTO {table} ({columns}) VALUES {rows} "  # noqa: S608
        f"ON CONFLICT ({unique}) DO UPDATE SET {n} = {table}.{n} + "
        f"CASE excluded.{column['key']} {cases} END"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def counts_for_portal(*, scope: PortalScope, kind: str) -> dict[str, int]:
    """The customer's kept counts of `kind`, by state (one query, compiled once)."""
    return dict(_COUNTS.rows(scope, shape=kind))


_COUNTS: ScopedQuery[tuple[str, int]] = ScopedQuery(
    lambda scope, kind: (
        AccountCount.objects.filter(
            organisation=scope.organisation, contact=scope.contact, kind=kind, n__gt=0
        )
        .order_by()
        .values_list("key", "n")
    )
)


def counts_computed(*, contacts: QuerySet[Contact]) -> dict[Key, int]:
    """What every kept count of these customers should say, counted from the documents."""
    found: dict[Key, int] = {}
    for kind, counted in COUNTED.items():
        rows = (
            counted.documents(contacts)
            .order_by()
            .annotate(count_key=counted.key)
            .values_list("organisation_id", "contact_id", "count_key")
            .annotate(n=Count("pk"))
        )
        for organisation_id, contact_id, key, n in rows:
            found[(organisation_id, contact_id, kind, key)] = n
    return found


def counts_stored(*, contacts: QuerySet[Contact]) -> dict[Key, int]:
    return {
        (organisation_id, contact_id, kind, key): n
        for organisation_id, contact_id, kind, key, n in AccountCount.objects.filter(
            contact__in=contacts, n__gt=0
        ).values_list("organisation_id", "contact_id", "kind", "key", "n")
    }


def counts_load(*, contacts: QuerySet[Contact]) -> int:
    """Write these customers' counts from their documents, replacing what was there: for
    documents inserted in bulk (the scale generator) and for `ledger check --repair`."""
    computed = counts_computed(contacts=contacts)
    AccountCount.objects.filter(contact__in=contacts).delete()
    AccountCount.objects.bulk_create(
        (
            AccountCount(organisation_id=org, contact_id=contact, kind=kind, key=key, n=n)
            for (org, contact, kind, key), n in computed.items()
        ),
        batch_size=1000,
    )
    return len(computed)
