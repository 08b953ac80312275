"""Staff decisions on what customers asked to change from the portal.

The customer-facing writes live in `portico.activity.self_service`.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from portico.accounts.models import User
from portico.contacts.models import Contact, DetailsChangeItem
from portico.orgs.models import Organisation

Status = DetailsChangeItem.Status


def _decide(*, organisation: Organisation, user: User, item_ids: list[int], status: str) -> int:
    items = list(
        DetailsChangeItem.objects.select_for_update()
        .filter(organisation=organisation, pk__in=item_ids, status=Status.PENDING)
        .order_by("created_at", "id")
    )
    now = timezone.now()
    if status == Status.APPROVED:
        contacts = {
            contact.pk: contact
            for contact in Contact.objects.select_for_update().filter(
                organisation=organisation, pk__in={item.contact_id for item in items}
            )
        }
        touched: dict[int, set[str]] = {}
        for item in items:
            setattr(contacts[item.contact_id], item.field, item.new_value)
            touched.setdefault(item.contact_id, set()).add(item.field)
        for contact_id, fields in touched.items():
            contacts[contact_id].save(update_fields=[*sorted(fields), "updated_at"])
    DetailsChangeItem.objects.filter(pk__in=[item.pk for item in items]).update(
        status=status, decided_by=user, decided_at=now, updated_at=now
    )
    return len(items)


@transaction.atomic
def details_change_approve(*, organisation: Organisation, user: User, item_ids: list[int]) -> int:
    """Apply the pending changes among `item_ids` to their customers; answers how many."""
    return _decide(organisation=organisation, user=user, item_ids=item_ids, status=Status.APPROVED)


@transaction.atomic
def details_change_reject(*, organisation: Organisation, user: User, item_ids: list[int]) -> int:
    """Close the pending changes among `item_ids` without applying them; answers how many."""
    return _decide(organisation=organisation, user=user, item_ids=item_ids, status=Status.REJECTED)
