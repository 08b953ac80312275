"""How to make one row of each back-office model inside a given organisation.

The URL-walking tenancy tests use this table; a model registered in the admin without an
entry here fails `test_every_admin_model_is_covered`, so new screens are covered the day
they are added.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import models

from portico.accounts.models import Membership
from portico.contacts.models import Contact, ContactPerson
from portico.orgs.models import Item, Organisation, PortalPreferences, Tax
from portico.projects.models import Project, TimeEntry, TimesheetApproval
from tests.accounts.factories import MembershipFactory
from tests.contacts.factories import ContactFactory, ContactPersonFactory
from tests.orgs.factories import ItemFactory, PortalPreferencesFactory, TaxFactory
from tests.projects.factories import ProjectFactory, TimeEntryFactory, TimesheetApprovalFactory

RowMaker = Callable[[Organisation], models.Model]

ROW_MAKERS: dict[type[models.Model], RowMaker] = {
    Organisation: lambda org: org,
    PortalPreferences: lambda org: PortalPreferencesFactory(organisation=org),
    Tax: lambda org: TaxFactory(organisation=org),
    Item: lambda org: ItemFactory(organisation=org),
    Membership: lambda org: MembershipFactory(organisation=org),
    Contact: lambda org: ContactFactory(organisation=org),
    ContactPerson: lambda org: ContactPersonFactory(contact=ContactFactory(organisation=org)),
    Project: lambda org: ProjectFactory(contact=ContactFactory(organisation=org)),
    TimeEntry: lambda org: TimeEntryFactory(project__contact=ContactFactory(organisation=org)),
    TimesheetApproval: lambda org: TimesheetApprovalFactory(
        project__contact=ContactFactory(organisation=org)
    ),
}


def register(model: type[models.Model], maker: RowMaker) -> None:
    ROW_MAKERS[model] = maker
