from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from portico.contacts.models import Contact
from portico.projects.models import Project, TimeEntry, TimesheetApproval
from portico.sales import services as sales_services
from portico.sales.models import Invoice


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    contact = factory.SubFactory("tests.contacts.factories.ContactFactory")
    organisation = factory.LazyAttribute(lambda o: o.contact.organisation)
    name = factory.Sequence(lambda n: f"Project {n}")
    billing_method = Project.BillingMethod.PROJECT_HOURS
    rate = Decimal("100.00")
    budget_hours = Decimal("40.00")


class TimeEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimeEntry

    project = factory.SubFactory(ProjectFactory)
    organisation = factory.LazyAttribute(lambda o: o.project.organisation)
    date = factory.LazyFunction(lambda: datetime.date(2026, 11, 2))
    hours = Decimal("2.00")
    task = "Design"
    billable = True


class TimesheetApprovalFactory(factory.django.DjangoModelFactory):
    """A pending approval holding one fresh entry of its project (pass `entries=[...]`)."""

    class Meta:
        model = TimesheetApproval
        skip_postgeneration_save = True

    project = factory.SubFactory(ProjectFactory)
    organisation = factory.LazyAttribute(lambda o: o.project.organisation)
    sent_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def entries(obj: TimesheetApproval, create: bool, extracted: object, **kwargs: object) -> None:
        if not create:
            return
        entries = list(extracted) if extracted else [TimeEntryFactory(project=obj.project)]
        obj.entries.set(entries)
        TimeEntry.objects.filter(pk__in=[e.pk for e in entries]).update(approval=obj)


def draft_invoice(contact: Contact) -> Invoice:
    """An invoice to mark time as billed on, made through the sales services."""
    line = sales_services.LineInput(description="Time", quantity=Decimal("1"), rate=Decimal("1"))
    return sales_services.invoice_create(
        contact=contact, lines=[line], issue_date=datetime.date(2026, 11, 5)
    )
