"""One transition table per document kind (DESIGN.md §4); anything else is `InvalidTransition`."""

from __future__ import annotations

from typing import Any

from portico.core.errors import InvalidTransition
from portico.sales import counts

# Back to draft only through `estimate_revise`: declined, or changes asked for while open.
ESTIMATE: dict[str, frozenset[str]] = {
    "draft": frozenset({"sent"}),
    "sent": frozenset({"viewed", "accepted", "declined", "expired", "draft"}),
    "viewed": frozenset({"accepted", "declined", "expired", "draft"}),
    "accepted": frozenset({"invoiced"}),
    "declined": frozenset({"draft"}),
    "expired": frozenset(),
    "invoiced": frozenset(),
}

INVOICE: dict[str, frozenset[str]] = {
    "draft": frozenset({"sent", "void"}),
    "sent": frozenset({"viewed", "partially_paid", "paid", "void"}),
    "viewed": frozenset({"partially_paid", "paid", "void"}),
    "partially_paid": frozenset({"paid"}),
    "paid": frozenset(),
    "void": frozenset(),
}

SALES_ORDER: dict[str, frozenset[str]] = {
    "draft": frozenset({"confirmed"}),
    "confirmed": frozenset({"fulfilled", "cancelled"}),
    "fulfilled": frozenset(),
    "cancelled": frozenset(),
}

CREDIT_NOTE: dict[str, frozenset[str]] = {
    "draft": frozenset({"open", "void"}),
    "open": frozenset({"closed", "void"}),
    "closed": frozenset(),
    "void": frozenset(),
}

TABLES: dict[str, dict[str, frozenset[str]]] = {
    "estimate": ESTIMATE,
    "invoice": INVOICE,
    "sales order": SALES_ORDER,
    "credit note": CREDIT_NOTE,
}


def can_move(kind: str, current: str, target: str) -> bool:
    return target in TABLES[kind].get(current, frozenset())


def move(document: Any, target: str) -> None:
    """Set `document.status` to `target` if the table allows it (the caller saves, in the
    transaction that moves the portal's kept count of the document's state along)."""
    kind = document.DOCUMENT_KIND
    if not can_move(kind, document.status, target):
        raise InvalidTransition(kind, document.status, target)
    before = document.portal_count_key
    document.status = target
    if kind in counts.COUNTED:
        counts.moved(document, kind, before)
