"""The onboarding checklist on the back office's home page.

Each step is ticked from what is really in the database (one query for all of them), never
from a flag, and links to the page where it is done. The checklist disappears once every step
is done.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, F
from django.urls import reverse
from django.utils.translation import gettext as _

from portico.contacts import selectors as contacts
from portico.orgs import selectors as orgs
from portico.orgs.models import Organisation
from portico.sales import selectors as sales


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    hint: str
    url: str
    done: bool


@dataclass(frozen=True)
class Checklist:
    steps: list[Step]

    @property
    def done_count(self) -> int:
        return sum(step.done for step in self.steps)

    @property
    def complete(self) -> bool:
        return all(step.done for step in self.steps)

    @property
    def percent(self) -> int:
        return round(100 * self.done_count / len(self.steps)) if self.steps else 100


def checklist_for(organisation: Organisation) -> Checklist:
    """The organisation's onboarding steps, ticked from its rows in one query."""
    state = (
        Organisation.objects.filter(pk=organisation.pk)
        .annotate(
            has_default_tax=Exists(orgs.default_tax(organisation=organisation)),
            has_gateway=Exists(orgs.gateways_active(organisation=organisation)),
            portal_branded=Exists(orgs.portal_branded(organisation=organisation)),
            has_customer=Exists(contacts.contacts_for_staff(organisation=organisation)),
            has_invited=Exists(contacts.persons_invited_to_portal(organisation=organisation)),
            has_sent_invoice=Exists(sales.invoices_sent(organisation=organisation)),
            preferences_pk=F("portal_preferences__pk"),
        )
        .values(
            "has_default_tax",
            "has_gateway",
            "portal_branded",
            "has_customer",
            "has_invited",
            "has_sent_invoice",
            "preferences_pk",
        )
        .get()
    )

    def admin(name: str, *args: object) -> str:
        return reverse(f"admin:{name}", args=args)

    customer_url = (
        admin("contacts_contactperson_changelist")
        if state["has_customer"]
        else admin("contacts_contact_add")
    )
    steps = [
        Step(
            "business",
            _("Add your business details and logo"),
            _("Address, country and logo appear on every document and in the portal."),
            admin("orgs_organisation_change", organisation.pk),
            orgs.business_details_complete(organisation),
        ),
        Step(
            "tax",
            _("Choose a default tax"),
            _("Customers cannot pay online until there is one."),
            admin("orgs_tax_changelist"),
            bool(state["has_default_tax"]),
        ),
        Step(
            "gateway",
            _("Connect a payment gateway"),
            _("So customers can pay invoices by card or bank debit."),
            admin("orgs_gatewayaccount_changelist")
            if state["has_gateway"]
            else admin("orgs_gatewayaccount_add"),
            bool(state["has_gateway"]),
        ),
        Step(
            "portal",
            _("Brand your customer portal"),
            _("Your colour and a welcome banner in the portal preferences."),
            admin("orgs_portalpreferences_change", state["preferences_pk"])
            if state["preferences_pk"]
            else admin("orgs_portalpreferences_changelist"),
            bool(state["portal_branded"]),
        ),
        Step(
            "customer",
            _("Add a customer and invite them to the portal"),
            _("Enable portal access for one of the customer's contact persons."),
            customer_url,
            bool(state["has_customer"] and state["has_invited"]),
        ),
        Step(
            "invoice",
            _("Send your first invoice"),
            _("The customer gets an email with a link to pay it in the portal."),
            admin("sales_invoice_changelist")
            if state["has_sent_invoice"]
            else admin("sales_invoice_add"),
            bool(state["has_sent_invoice"]),
        ),
    ]
    return Checklist(steps)
