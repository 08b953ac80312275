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
from portico.contacts.self_service_models import (
    CustomerMessage,
    DetailsChangeItem,
    Review,
    SelfServiceSettings,
)
from portico.orgs.models import GatewayAccount, Item, Organisation, PortalPreferences, Tax
from portico.projects.models import Project, TimeEntry, TimesheetApproval
from tests.accounts.factories import MembershipFactory
from tests.contacts.factories import ContactFactory, ContactPersonFactory
from tests.gateways.factories import GatewayAccountFactory
from tests.orgs.factories import ItemFactory, PortalPreferencesFactory, TaxFactory
from tests.portal.self_service import factories as ss
from tests.projects.factories import ProjectFactory, TimeEntryFactory, TimesheetApprovalFactory

RowMaker = Callable[[Organisation], models.Model]

ROW_MAKERS: dict[type[models.Model], RowMaker] = {
    Organisation: lambda org: org,
    PortalPreferences: lambda org: PortalPreferencesFactory(organisation=org),
    Tax: lambda org: TaxFactory(organisation=org),
    Item: lambda org: ItemFactory(organisation=org),
    GatewayAccount: lambda org: GatewayAccountFactory(organisation=org),
    Membership: lambda org: MembershipFactory(organisation=org),
    Contact: lambda org: ContactFactory(organisation=org),
    ContactPerson: lambda org: ContactPersonFactory(contact=ContactFactory(organisation=org)),
    Review: lambda org: ss.ReviewFactory(person__contact__organisation=org),
    CustomerMessage: lambda org: ss.CustomerMessageFactory(person__contact__organisation=org),
    DetailsChangeItem: lambda org: ss.DetailsChangeItemFactory(person__contact__organisation=org),
    SelfServiceSettings: lambda org: ss.SelfServiceSettingsFactory(organisation=org),
    Project: lambda org: ProjectFactory(contact=ContactFactory(organisation=org)),
    TimeEntry: lambda org: TimeEntryFactory(project__contact=ContactFactory(organisation=org)),
    TimesheetApproval: lambda org: TimesheetApprovalFactory(
        project__contact=ContactFactory(organisation=org)
    ),
}


def register(model: type[models.Model], maker: RowMaker) -> None:
    ROW_MAKERS[model] = maker


# Sales documents, payments, credit and the ledger (issue 3).
from tests.sales.tenancy_rows import ROWS as BOOKS_ROWS  # noqa: E402

ROW_MAKERS.update(BOOKS_ROWS)

# Comments, notifications, the activity log, signatures, notification settings (issue 5).
from tests.activity.factories import ROWS as ACTIVITY_ROWS  # noqa: E402

ROW_MAKERS.update(ACTIVITY_ROWS)

# Checkouts, saved methods, webhook receipts, online payment settings (issue 7).
from tests.payments.checkout.tenancy_rows import ROWS as CHECKOUT_ROWS  # noqa: E402

ROW_MAKERS.update(CHECKOUT_ROWS)
