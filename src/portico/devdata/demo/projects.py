"""Demo step: two projects for Acme Corporation with two months of time and timesheets."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from portico.contacts.models import Contact, ContactPerson
from portico.devdata.demo.context import DemoContext
from portico.projects import selectors, services
from portico.projects.models import Project, TimeEntry

CUSTOMER = "Acme Corporation"
DAYS_BACK = 60

# (name, billing method, rate, budget hours, description)
PROJECTS = [
    ("Website redesign", Project.BillingMethod.PROJECT_HOURS, Decimal("120.00"), Decimal("120"),
     "New marketing site: discovery, design system, build and launch."),
    ("Brand refresh", Project.BillingMethod.FIXED_COST, Decimal("4800.00"), Decimal("40"),
     "Logo update, colour palette and brand guidelines."),
]  # fmt: skip

# (project index, task, hours, billable, notes), oldest first; dates spread over two months.
ENTRIES = [
    (0, "Discovery workshop", "3.5", True, "Kick-off with Arthur and the marketing team"),
    (0, "Discovery workshop", "2", True, "Stakeholder interviews"),
    (1, "Research", "4", True, "Competitor brands"),
    (0, "Sitemap", "2.5", True, ""),
    (0, "Internal review", "1", False, "Design crit"),
    (1, "Logo concepts", "6", True, "Three directions"),
    (0, "Wireframes", "5", True, "Home, pricing, about"),
    (0, "Wireframes", "4.25", True, "Blog and case studies"),
    (1, "Logo concepts", "3.5", True, "Refinements after feedback"),
    (0, "Design system", "6", True, "Type scale, colours, spacing"),
    (0, "Design system", "3", True, "Components"),
    (1, "Colour palette", "2.5", True, ""),
    (0, "Visual design", "7", True, "Home page"),
    (0, "Internal review", "0.75", False, ""),
    (1, "Brand guidelines", "5", True, "Usage rules and examples"),
    (0, "Visual design", "6.5", True, "Pricing and about"),
    (0, "Front-end build", "7.5", True, "Templates and components"),
    (1, "Brand guidelines", "3", True, "Final PDF"),
    (0, "Front-end build", "8", True, "Responsive layouts"),
    (0, "Front-end build", "6", True, "Blog"),
    (0, "Content migration", "4", True, "42 posts moved"),
    (1, "Handover", "1.5", True, "Files and training call"),
    (0, "QA and fixes", "3.25", True, "Cross-browser pass"),
    (0, "QA and fixes", "2", True, "Accessibility fixes"),
    (0, "Launch", "2.5", True, "DNS switch and monitoring"),
]  # fmt: skip

APPROVED_UP_TO = 12  # entries before this index are approved by the customer; later ones pending


def _entry_dates(today: datetime.date) -> list[datetime.date]:
    """Weekdays spread evenly over the last two months, oldest first."""
    start = today - datetime.timedelta(days=DAYS_BACK)
    dates = []
    for index in range(len(ENTRIES)):
        day = start + datetime.timedelta(days=index * DAYS_BACK // len(ENTRIES))
        while day.weekday() >= 5:
            day -= datetime.timedelta(days=1)
        dates.append(day)
    return dates


@transaction.atomic
def load(context: DemoContext) -> None:
    organisation = context.organisation
    assert organisation is not None
    contact = Contact.objects.filter(organisation=organisation, display_name=CUSTOMER).first()
    if contact is None:
        return
    if Project.objects.filter(organisation=organisation, contact=contact).exists():
        return  # made by an earlier run
    projects = [
        services.project_create(
            organisation=organisation,
            contact=contact,
            name=name,
            billing_method=method,
            rate=rate,
            budget_hours=budget,
            description=description,
        )
        for name, method, rate, budget, description in PROJECTS
    ]
    entries: list[TimeEntry] = []
    for day, (index, task, hours, billable, notes) in zip(
        _entry_dates(timezone.localdate()), ENTRIES, strict=True
    ):
        entries.append(
            services.time_entry_log(
                organisation=organisation,
                project=projects[index],
                date=day,
                hours=Decimal(hours),
                task=task,
                notes=notes,
                billable=billable,
                user=context.owner,
            )
        )

    website = projects[0]
    earlier = [e for e in entries[:APPROVED_UP_TO] if e.project == website and e.billable]
    approval = services.timesheet_send_for_approval(project=website, entries=earlier)
    approver = ContactPerson.objects.filter(contact=contact, is_primary=True).first()
    if approver is not None:
        services.timesheet_approve(approval=approval, person=approver)
    services.timesheet_send_for_approval(
        project=website, entries=selectors.time_entries_awaiting_approval(project=website)
    )
    context.say(
        f"created {len(projects)} projects for {CUSTOMER} with {len(entries)} time entries "
        "and a timesheet awaiting approval"
    )
