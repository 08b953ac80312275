from __future__ import annotations

from typing import Any

from django.db.models import Subquery
from django.db.models.functions import Lower

from portico.accounts.models import Membership, User


def membership_for_user(*, user: User, organisation_id: int | None = None) -> Membership | None:
    """The membership a staff request acts through: the chosen one, else the oldest."""
    memberships = Membership.objects.filter(user=user).select_related("organisation")
    if organisation_id is not None:
        chosen = memberships.filter(organisation_id=organisation_id).first()
        if chosen is not None:
            return chosen
    return memberships.order_by("created_at", "pk").first()


def users_by_emails(*, emails: set[str]) -> dict[str, User]:
    """Existing logins for many (already normalised) addresses, keyed by address."""
    found: dict[str, User] = {}
    ordered = sorted(emails)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        found.update({user.email: user for user in User.objects.filter(email__in=chunk)})
    return found


def login_pk_for_email(email: Any) -> Subquery:
    """A subquery for bulk updates: the pk of the login whose address is `email` lower-cased."""
    return Subquery(User.objects.filter(email=Lower(email)).values("pk")[:1])
