"""Demo step: Demo Studio's payment reminder schedule (the defaults), and Kestrel Robotics'
invoice, emailed five weeks ago and now a week overdue, reminded by the schedule — so the
outgoing mail holds a reminder once the worker has sent it."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.urls import reverse

from portico.contacts.models import Contact
from portico.devdata.demo.context import DemoContext
from portico.orgs.models import Tax
from portico.payments import reminders
from portico.sales import services
from portico.sales.models import Invoice

CUSTOMER = "Kestrel Robotics"
REFERENCE = "PO-KR-2291"
DAY = datetime.timedelta(days=1)


def load(context: DemoContext) -> None:
    organisation = context.organisation
    assert organisation is not None, "the orgs step runs first"
    schedule = reminders.schedule_of(organisation)
    url = reverse("admin:payments_reminderschedule_change", args=[schedule.pk])
    context.logins.append(
        (
            "Payment reminders",
            f"{settings.SITE_URL}{url}",
            "the schedule; each invoice's page lists its reminders and has “Send reminder”",
        )
    )
    contact = Contact.objects.filter(organisation=organisation, display_name=CUSTOMER).first()
    if contact is None:
        return
    invoice = Invoice.objects.filter(organisation=organisation, reference=REFERENCE).first()
    if invoice is None:
        now = organisation.local_now()
        today = now.date()
        tax = Tax.objects.filter(organisation=organisation, is_default=True).first()
        draft = services.invoice_create(
            contact=contact,
            lines=[
                services.LineInput(
                    description="Robot cell commissioning support (hours)",
                    quantity=Decimal(6),
                    rate=Decimal("145.00"),
                    tax=tax,
                )
            ],
            issue_date=today - 37 * DAY,
            due_date=today - 7 * DAY,
            reference=REFERENCE,
            terms="Payment within 30 days by bank transfer or card.",
        )
        invoice = services.invoice_send(invoice=draft, when=now - 37 * DAY)
        context.say(f"issued Kestrel Robotics' invoice {invoice.number}, now a week overdue")
    if reminders.reminders_send_for(organisation=organisation):
        context.say(f"sent the 7-days-overdue payment reminder for {invoice.number}")
