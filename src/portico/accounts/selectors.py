from __future__ import annotations

from typing import Any

from django.db.models import Subquery
from django.db.models.functions import Lower

from portico.accounts.models import Membership, User, normalise_email
from portico.core.timezones import first_language


def membership_for_user(*, user: User, organisation_id: int | None = None) -> Membership | None:
    """The membership a staff request acts through: the chosen one, else the oldest."""
    memberships = Membership.objects.filter(user=user).select_related("organisation")
    chosen = None
    if organisation_id is not None:
        chosen = memberships.filter(organisation_id=organisation_id).first()
    if chosen is None:
        chosen = memberships.order_by("created_at", "pk").first()
    if chosen is not None:
        chosen.user = user  # the request's own user, no second query
    return chosen


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


def staff_language(*, user: User, organisation: Any) -> str:
    """The language a staff member reads the back office and the business's notifications in:
    their own, else the organisation's (a code Portico does not speak is skipped)."""
    return first_language(user.language, organisation.language)


def staff_languages(*, organisation: Any) -> dict[str, str]:
    """Each member's reading language (`staff_language`) by email address, in one query."""
    members = Membership.objects.filter(organisation=organisation).values_list(
        "user__email", "user__language"
    )
    return {
        normalise_email(email): first_language(language, organisation.language)
        for email, language in members
    }
