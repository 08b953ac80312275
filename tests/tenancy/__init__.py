"""The one tenancy registry: how to make a row of each model inside a given organisation.

The walkers in this package use it: `test_admin_urls` walks every staff/admin URL (a model
registered in the admin without an entry here fails `test_every_admin_model_is_covered`),
`test_portal_urls` walks every portal URL from the resolver with the makers of
`portal_ids.FOREIGN_IDS`, and `test_portal_documents` / `test_portal_pages` add the hidden
(draft, not shown) cases per document kind. Every walk also checks that a foreign id's 404
body is the same as a missing id's.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import models
from django.test import Client

from portico.accounts.models import Membership
from portico.contacts.models import (
    Contact,
    ContactPerson,
    CustomerMessage,
    DetailsChangeItem,
    Review,
    SelfServiceSettings,
)
from portico.core.models import FailedTask
from portico.orgs.models import GatewayAccount, Item, Organisation, PortalPreferences, Tax
from portico.payments import reminders
from portico.payments.models import ReminderSchedule
from portico.projects.models import Project, TimeEntry, TimesheetApproval
from tests.accounts.factories import MembershipFactory
from tests.activity.factories import ROWS as ACTIVITY_ROWS
from tests.api.tenancy_rows import ROWS as API_ROWS
from tests.contacts.factories import ContactFactory, ContactPersonFactory
from tests.documents.tenancy_rows import ROWS as SEND_ROWS
from tests.gateways.factories import GatewayAccountFactory
from tests.orgs.factories import ItemFactory, PortalPreferencesFactory, TaxFactory
from tests.payments.checkout.tenancy_rows import ROWS as CHECKOUT_ROWS
from tests.portal.self_service import factories as ss
from tests.projects.factories import ProjectFactory, TimeEntryFactory, TimesheetApprovalFactory
from tests.sales.tenancy_rows import ROWS as BOOKS_ROWS

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
    # Sales documents, payments, credit and the ledger (issue 3).
    **BOOKS_ROWS,
    # Comments, notifications, the activity log, signatures, notification settings (issue 5).
    **ACTIVITY_ROWS,
    # Checkouts, saved methods, webhook receipts, online payment settings (issue 7).
    **CHECKOUT_ROWS,
    # The payment reminder schedule, one per organisation, made on first use (issue 14).
    ReminderSchedule: lambda org: reminders.schedule_of(org),
    # Send: email wording per document kind and the record of each send (issue 14).
    **SEND_ROWS,
    # Background work that finally failed (issue 17).
    FailedTask: lambda org: FailedTask.objects.create(
        result_id=f"failed-{org.pk}-{FailedTask.objects.count()}",
        task_path="portico.activity.tasks.send_email",
        organisation_id=org.pk,
        error="smtplib.SMTPServerDisconnected",
    ),
    # API keys, webhook endpoints and deliveries (issue 19).
    **API_ROWS,
}


def register(model: type[models.Model], maker: RowMaker) -> None:
    ROW_MAKERS[model] = maker


def not_found_body(client: Client, url: str) -> bytes:
    """The body of the 404 that `url` answers (GET, or POST where GET is the wrong method)."""
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url)
    assert response.status_code == 404, (url, response.status_code)
    return bytes(response.content)
