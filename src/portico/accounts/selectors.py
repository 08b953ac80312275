from __future__ import annotations

from portico.accounts.models import Membership, User


def membership_for_user(*, user: User, organisation_id: int | None = None) -> Membership | None:
    """The membership a staff request acts through: the chosen one, else the oldest."""
    memberships = Membership.objects.filter(user=user).select_related("organisation")
    if organisation_id is not None:
        chosen = memberships.filter(organisation_id=organisation_id).first()
        if chosen is not None:
            return chosen
    return memberships.order_by("created_at", "pk").first()
