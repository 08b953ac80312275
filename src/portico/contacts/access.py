"""Who may act at an organisation's portal, and for which customer: the one place that turns a
user into a `PortalScope`. The portal's pages (`portico.portal.scoping`) and the Portal API
(`portico.api`) both build their scope here, so the wall has one definition.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from portico.contacts.models import ContactPerson
from portico.contacts.scope import PortalScope
from portico.orgs.models import Organisation
from portico.orgs.selectors import preferences_of

if TYPE_CHECKING:
    from portico.accounts.models import User

Status = ContactPerson.PortalStatus


class Problem(StrEnum):
    PORTAL_OFF = "portal_off"
    DISABLED = "disabled"
    CONTACT_DELETED = "contact_deleted"
    NO_ACCESS = "no_access"


@dataclass(frozen=True)
class PortalAccess:
    """A logged-in user at one organisation's portal, before a customer is chosen."""

    organisation: Organisation
    user: User
    persons: tuple[ContactPerson, ...]
    """Active persons whose customer is live: the customers this user may act for."""
    problem: Problem | None = None
    preview: bool = False
    """A staff member previewing the portal as `persons[0]` (read-only, see `PortalScope`)."""

    def scope_for(self, person_id: int | None) -> PortalScope | None:
        """The scope of the chosen person, or of the only one; None when a choice is needed."""
        chosen = [p for p in self.persons if p.pk == person_id] or (
            list(self.persons) if len(self.persons) == 1 else []
        )
        if not chosen:
            return None
        return PortalScope(self.organisation, chosen[0].contact, chosen[0], preview=self.preview)


def persons_for_user(*, user: User, organisation: Organisation) -> list[ContactPerson]:
    """Every contact person linked to `user` in `organisation`, whatever the status."""
    return list(
        ContactPerson.objects.in_organisation(organisation)
        .filter(user=user)
        .select_related("contact")
        .order_by("contact__display_name", "pk")
    )


def access_for(
    *, user: User, organisation: Organisation, persons: list[ContactPerson] | None = None
) -> PortalAccess:
    """What `user` may do at `organisation`'s portal (see `Problem` for the refusals).

    `persons`: the user's persons there (`persons_for_user`), when the caller read them with the
    organisation already."""
    if not preferences_of(organisation).portal_enabled:
        return PortalAccess(organisation, user, (), Problem.PORTAL_OFF)
    if user.is_staff:
        persons = []
    elif persons is None:
        persons = persons_for_user(user=user, organisation=organisation)
    active = [p for p in persons if p.portal_status == Status.ACTIVE]
    usable = tuple(p for p in active if not p.contact.is_deleted)
    problem = None
    if not usable:
        if active:
            problem = Problem.CONTACT_DELETED
        elif any(p.portal_status == Status.DISABLED for p in persons):
            problem = Problem.DISABLED
        else:
            problem = Problem.NO_ACCESS
    return PortalAccess(organisation, user, usable, problem)
