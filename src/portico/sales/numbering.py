"""Gap-free document numbers per organisation and kind (`INV-000001`).

The counter row is locked with `select_for_update` and advanced in the caller's transaction, so
a rolled-back document gives its number back and two concurrent documents never share one.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from portico.orgs.models import Organisation
from portico.sales.models import NumberSequence

PREFIXES = {
    "invoice": "INV",
    "retainer": "RET",
    "estimate": "EST",
    "sales_order": "SO",
    "credit_note": "CN",
    "payment": "PAY",
}
WIDTH = 6


def format_number(*, kind: str, value: int) -> str:
    """The display number of counter value `value` of `kind` (`INV-000042`)."""
    return f"{PREFIXES[kind]}-{value:0{WIDTH}d}"


def next_number(*, organisation: Organisation, kind: str) -> str:
    """Take the next number of `kind`; call inside the transaction that saves the document."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must run inside the document's transaction")
    if kind not in PREFIXES:  # an unknown kind fails before its counter moves
        raise KeyError(kind)
    sequences = NumberSequence.objects.select_for_update()
    sequence = sequences.filter(organisation=organisation, kind=kind).first()
    if sequence is None:
        try:
            with transaction.atomic():
                NumberSequence.objects.create(organisation=organisation, kind=kind)
        except IntegrityError:
            pass  # another transaction created it first; the lock below waits for it
        sequence = sequences.get(organisation=organisation, kind=kind)
    value = sequence.next_value
    sequence.next_value = value + 1
    sequence.save(update_fields=["next_value", "updated_at"])
    return format_number(kind=kind, value=value)
