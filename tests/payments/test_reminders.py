"""Payment reminders: the organisation's schedule, once per invoice and stage, in its time zone."""

from __future__ import annotations

import datetime
import importlib
import re
import uuid
import zoneinfo
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from portico.accounts.models import User
from portico.contacts.models import Contact, ContactPerson
from portico.core.errors import DomainError
from portico.documents.models import DocumentSend
from portico.orgs.models import Organisation
from portico.payments import reminders
from portico.payments import services as payments
from portico.payments.models import (
    Checkout,
    CheckoutItem,
    InvoiceReminder,
    ReminderSchedule,
    ReminderStage,
)
from portico.sales import services as sales
from portico.sales.models import Invoice
from tests.contacts.factories import ContactPersonFactory
from tests.gateways.factories import GatewayAccountFactory
from tests.sales import factories as make

pytestmark = pytest.mark.django_db

AUCKLAND = zoneinfo.ZoneInfo("Pacific/Auckland")  # UTC+13 in January and February
ISSUED = datetime.date(2026, 1, 15)
DUE = datetime.date(2026, 2, 14)


def at(day: datetime.date, hour: int = 12, zone: zoneinfo.ZoneInfo = AUCKLAND) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=zone)


@pytest.fixture
def org(org: Organisation) -> Organisation:
    org.timezone = "Pacific/Auckland"
    org.save(update_fields=["timezone"])
    return org


def issue(contact: Contact, *, sent: datetime.date = ISSUED, due: datetime.date = DUE) -> Invoice:
    """An invoice of 100.00 issued and emailed on `sent` (noon, Auckland), due on `due`."""
    draft = make.invoice(contact, "100.00", send=False, issue_date=min(sent, due), due_date=due)
    return sales.invoice_send(invoice=draft, when=at(sent))


@pytest.fixture(autouse=True)
def _commits(django_capture_on_commit_callbacks: Any) -> Iterator[None]:
    """The test runs in one transaction; `committed` stands for each run's own commit."""
    _capture.append(django_capture_on_commit_callbacks)
    yield
    _capture.clear()


_capture: list[Any] = []


def committed() -> Any:
    """Run the block, then what it queued for after its commit (the emails)."""
    return _capture[0](execute=True)


def run_on(day: datetime.date, hour: int = 12) -> int:
    with time_machine.travel(at(day, hour), tick=False), committed():
        return reminders.reminders_send_due()


def remind(invoice: Invoice, by: User) -> InvoiceReminder:
    with committed():
        return reminders.invoice_remind(
            organisation=invoice.organisation, invoice=invoice, sent_by=by
        )


def stages_sent(invoice: Invoice) -> list[int]:
    return sorted(
        r.stage.days for r in InvoiceReminder.objects.filter(invoice=invoice, manual=False)
    )


# --- the schedule -------------------------------------------------------------------------------


def test_an_organisation_gets_the_default_schedule_the_first_time_it_is_needed(
    org: Organisation,
) -> None:
    schedule = reminders.schedule_of(org)

    assert schedule.enabled
    stages = list(ReminderStage.objects.filter(schedule=schedule))
    assert [s.days for s in stages] == [-3, 0, 7, 14, 30]
    assert all(s.enabled and s.organisation_id == org.pk for s in stages)
    assert "{document_number}" in stages[2].subject
    assert reminders.schedule_of(org) == schedule
    assert ReminderSchedule.objects.filter(organisation=org).count() == 1


def test_a_stage_with_an_unknown_placeholder_is_refused_with_a_field_error(
    org: Organisation,
) -> None:
    stage = ReminderStage.objects.filter(schedule=reminders.schedule_of(org)).first()
    assert stage is not None
    stage.subject = "Invoice {invoice_number} is due"

    with pytest.raises(ValidationError) as refused:
        stage.full_clean()

    assert "subject" in refused.value.message_dict
    assert "{invoice_number}" in refused.value.message_dict["subject"][0]


# --- the periodic job ---------------------------------------------------------------------------


def test_each_stage_is_sent_once_on_its_day_in_the_organisations_time_zone(
    org: Organisation, customer_a: Contact, customer_a_person: ContactPerson
) -> None:
    # given an invoice due on 14 February
    invoice = issue(customer_a)
    # when the job runs every day from a week before to five weeks after, at noon in Auckland
    # (the previous day in UTC), twice a day
    sent_on: list[int] = []
    day = DUE - datetime.timedelta(days=7)
    while day <= DUE + datetime.timedelta(days=35):
        before = len(mail.outbox)
        run_on(day, hour=1)
        run_on(day, hour=12)
        if len(mail.outbox) > before:
            assert len(mail.outbox) == before + 1
            sent_on.append((day - DUE).days)
        day += datetime.timedelta(days=1)
    # then each stage went out once, on its own day
    assert sent_on == [-3, 0, 7, 14, 30]
    assert stages_sent(invoice) == [-3, 0, 7, 14, 30]


def test_today_is_the_organisations_day_not_the_servers(
    org: Organisation, customer_a: Contact, customer_a_person: ContactPerson
) -> None:
    issue(customer_a)
    run_on(DUE - datetime.timedelta(days=3))
    assert len(mail.outbox) == 1

    # 13 February 23:30 in Auckland (10:30 UTC): not yet the due date
    with time_machine.travel(datetime.datetime(2026, 2, 13, 10, 30, tzinfo=datetime.UTC)):
        assert reminders.reminders_send_due() == 0  # nothing to commit
    # 14 February 00:30 in Auckland, still the 13th in UTC: the due-date reminder goes
    past_midnight = datetime.datetime(2026, 2, 13, 11, 30, tzinfo=datetime.UTC)
    with time_machine.travel(past_midnight), committed():
        assert reminders.reminders_send_due() == 1
    assert "due today" in mail.outbox[-1].subject


def test_running_the_job_twice_sends_once(
    org: Organisation, customer_a: Contact, customer_a_person: ContactPerson
) -> None:
    invoice = issue(customer_a)

    assert run_on(DUE + datetime.timedelta(days=7)) == 1
    assert run_on(DUE + datetime.timedelta(days=7)) == 0

    assert len(mail.outbox) == 1
    assert InvoiceReminder.objects.filter(invoice=invoice).count() == 1


def test_the_email_is_filled_for_the_person_and_carries_their_personal_link(
    org: Organisation, customer_a: Contact, customer_a_person: ContactPerson, settings: Any
) -> None:
    settings.SITE_URL = "https://books.example"
    invoice = issue(customer_a)

    run_on(DUE + datetime.timedelta(days=7))

    message = mail.outbox[0]
    assert message.to == [customer_a_person.email]
    assert message.subject == f"Invoice {invoice.number} is overdue"
    assert f"Hello {customer_a_person.first_name}," in message.body
    assert "7 days overdue" in message.body and "$100.00 is still to pay" in message.body
    # delivered by Send: the button is the person's own link to this one invoice
    found = re.search(rf"https://books\.example/portal/{org.slug}/d/[\w-]+", message.body)
    assert found is not None
    html = message.alternatives[0][0]  # type: ignore[attr-defined]
    assert f'href="{found.group(0)}"' in html
    record = DocumentSend.objects.get(document_id=invoice.public_id)
    assert (record.purpose, record.attached_pdf) == ("reminder", False)


def test_every_person_who_receives_documents_gets_it_in_their_language_primary_first(
    org: Organisation, customer_a: Contact, customer_a_person: ContactPerson
) -> None:
    ContactPersonFactory(contact=customer_a, email="", first_name="No email")
    german = ContactPersonFactory(contact=customer_a, email="greta@customer-a.example")
    german.language = "de"
    german.receives_documents = True
    german.save(update_fields=["language", "receives_documents"])
    ContactPersonFactory(contact=customer_a, email="quiet@customer-a.example")  # not ticked
    ContactPerson.objects.filter(pk=customer_a_person.pk).update(receives_documents=True)
    invoice = issue(customer_a)

    run_on(DUE + datetime.timedelta(days=7))

    assert [m.to for m in mail.outbox] == [[customer_a_person.email], [german.email]]
    assert "$100.00" in mail.outbox[0].body
    assert "100,00\xa0$" in mail.outbox[1].body  # Babel's German format
    reminder = InvoiceReminder.objects.get(invoice=invoice)
    assert reminder.sent_to == f"{customer_a_person.email}, {german.email}"


def test_a_later_stage_is_not_followed_by_an_earlier_one_and_old_stages_are_not_caught_up(
    org: Organisation, customer_a: Contact, customer_a_person: ContactPerson
) -> None:
    # given an invoice emailed 20 days after its due date
    invoice = issue(customer_a, sent=DUE + datetime.timedelta(days=20))
    # when the job runs every day after that
    for offset in range(20, 45):
        run_on(DUE + datetime.timedelta(days=offset))
    # then only the stage whose day came after it was emailed went out
    assert stages_sent(invoice) == [30]


def test_a_worker_down_for_a_few_days_catches_up_with_the_latest_stage_only(
    org: Organisation, customer_a: Contact, customer_a_person: ContactPerson
) -> None:
    invoice = issue(customer_a)

    run_on(DUE + datetime.timedelta(days=16))  # the 7 and 14 day stages were missed

    assert stages_sent(invoice) == [14]
    assert "16 days overdue" in mail.outbox[0].body


def test_an_invoice_long_overdue_when_the_schedule_starts_is_not_flooded(
    org: Organisation, customer_a: Contact, customer_a_person: ContactPerson
) -> None:
    issue(customer_a)

    assert run_on(DUE + datetime.timedelta(days=200)) == 0


def test_stages_turned_off_and_a_schedule_turned_off_send_nothing(
    org: Organisation, customer_a: Contact, customer_a_person: ContactPerson
) -> None:
    schedule = reminders.schedule_of(org)
    ReminderStage.objects.filter(schedule=schedule, days=7).update(enabled=False)
    invoice = issue(customer_a)

    assert run_on(DUE + datetime.timedelta(days=7)) == 0
    ReminderSchedule.objects.filter(pk=schedule.pk).update(enabled=False)
    assert run_on(DUE + datetime.timedelta(days=14)) == 0
    assert not InvoiceReminder.objects.filter(invoice=invoice).exists()


def _pending_debit(invoice: Invoice) -> None:
    checkout = Checkout.objects.create(
        organisation=invoice.organisation,
        contact=invoice.contact,
        gateway_account=GatewayAccountFactory(organisation=invoice.organisation),
        amount=invoice.balance_due,
        currency=invoice.currency,
        idempotency_key=uuid.uuid4().hex,
        state=Checkout.State.PENDING,
        method_kind="bank",
    )
    CheckoutItem.objects.create(checkout=checkout, invoice=invoice, amount=invoice.balance_due)


def _paid(invoice: Invoice) -> None:
    payments.payment_record(
        contact=invoice.contact,
        amount=invoice.balance_due,
        date=ISSUED,
        mode="bank_transfer",
        allocations=[(invoice, invoice.balance_due)],
    )


def _stopped(invoice: Invoice) -> None:
    reminders.invoice_reminders_set(invoice=invoice, off=True)


def _customer_opted_out(invoice: Invoice) -> None:
    Contact.objects.filter(pk=invoice.contact_id).update(reminders_off=True)


@pytest.mark.parametrize(
    ("prepare", "code"),
    [
        (_paid, "invoice_paid"),
        (lambda invoice: sales.invoice_void(invoice=invoice), "invoice_void"),
        (_pending_debit, "payment_pending"),
        (_stopped, "invoice_reminders_off"),
        (_customer_opted_out, "contact_reminders_off"),
    ],
    ids=["paid", "void", "pending-debit", "invoice-switch", "customer-switch"],
)
def test_invoices_that_must_not_be_reminded_are_skipped_by_the_job_and_refused_by_hand(
    org: Organisation,
    customer_a: Contact,
    customer_a_person: ContactPerson,
    owner: User,
    prepare: object,
    code: str,
) -> None:
    invoice = issue(customer_a)
    prepare(invoice)  # type: ignore[operator]
    invoice.refresh_from_db()

    assert run_on(DUE + datetime.timedelta(days=7)) == 0
    with pytest.raises(DomainError) as refused:
        reminders.invoice_remind(organisation=org, invoice=invoice, sent_by=owner)

    assert refused.value.code == code
    assert mail.outbox == []
    assert not InvoiceReminder.objects.filter(invoice=invoice).exists()


def test_a_draft_is_never_reminded(
    org: Organisation, customer_a: Contact, customer_a_person: ContactPerson, owner: User
) -> None:
    draft = make.invoice(customer_a, send=False, issue_date=ISSUED, due_date=DUE)

    assert run_on(DUE + datetime.timedelta(days=7)) == 0
    with pytest.raises(DomainError) as refused:
        reminders.invoice_remind(organisation=org, invoice=draft, sent_by=owner)
    assert refused.value.code == "invoice_draft"


def test_a_partly_paid_invoice_is_reminded_of_what_is_left(
    org: Organisation, customer_a: Contact, customer_a_person: ContactPerson
) -> None:
    invoice = issue(customer_a)
    payments.payment_record(
        contact=customer_a,
        amount=Decimal("40.00"),
        date=ISSUED,
        mode="cash",
        allocations=[(invoice, Decimal("40.00"))],
    )

    assert run_on(DUE + datetime.timedelta(days=7)) == 1
    assert "$60.00 is still to pay" in mail.outbox[0].body


def test_a_customer_without_an_email_address_is_skipped(
    org: Organisation, customer_a: Contact
) -> None:
    ContactPersonFactory(contact=customer_a, email="")
    invoice = issue(customer_a)

    assert run_on(DUE + datetime.timedelta(days=7)) == 0
    assert not InvoiceReminder.objects.filter(invoice=invoice).exists()


# --- by hand ------------------------------------------------------------------------------------


def test_staff_send_a_reminder_by_hand_and_it_is_recorded_as_manual(
    org: Organisation, customer_a: Contact, customer_a_person: ContactPerson, owner: User
) -> None:
    invoice = issue(customer_a)

    with time_machine.travel(at(DUE + datetime.timedelta(days=9)), tick=False):
        reminder = remind(invoice, owner)

    assert reminder.manual and reminder.stage is None and reminder.sent_by == owner
    assert mail.outbox[0].to == [customer_a_person.email]
    # the text of the stage the schedule has reached (7 days overdue), with today's figures
    assert mail.outbox[0].subject == f"Invoice {invoice.number} is overdue"
    assert "9 days overdue" in mail.outbox[0].body
    # a reminder by hand does not use up a stage of the schedule
    assert run_on(DUE + datetime.timedelta(days=14)) == 1
    assert stages_sent(invoice) == [14]


def test_a_reminder_by_hand_may_be_sent_again(
    org: Organisation, customer_a: Contact, customer_a_person: ContactPerson, owner: User
) -> None:
    invoice = issue(customer_a)

    for _ in range(2):
        remind(invoice, owner)

    assert InvoiceReminder.objects.filter(invoice=invoice, manual=True).count() == 2
    assert len(mail.outbox) == 2


def test_another_organisations_invoice_is_refused(
    org: Organisation, other_org: Organisation, other_org_customer: Contact, owner: User
) -> None:
    foreign = make.invoice(other_org_customer)

    with pytest.raises(DomainError) as refused:
        reminders.invoice_remind(organisation=org, invoice=foreign, sent_by=owner)
    assert refused.value.code == "foreign_record"


def test_the_last_reminded_time_is_read_with_the_invoices(
    org: Organisation, customer_a: Contact, customer_a_person: ContactPerson, owner: User
) -> None:
    reminded, quiet = issue(customer_a), issue(customer_a)
    reminders.invoice_remind(organisation=org, invoice=reminded, sent_by=owner)

    rows = {
        i.pk: i.last_reminded_at  # type: ignore[attr-defined]
        for i in reminders.with_last_reminded(Invoice.objects.all())
    }

    assert rows[reminded.pk] == InvoiceReminder.objects.get().created_at
    assert rows[quiet.pk] is None


def test_the_scheduler_queues_the_reminder_job(
    org: Organisation, customer_a: Contact, customer_a_person: ContactPerson
) -> None:
    from portico.core import scheduled

    issue(customer_a)
    with time_machine.travel(at(DUE + datetime.timedelta(days=7)), tick=False), committed():
        names = scheduled.scheduled_enqueue()

    assert "payment reminders" in names
    assert [m.subject for m in mail.outbox] == [
        f"Invoice {Invoice.objects.get().number} is overdue"
    ]


def test_the_data_migration_gives_existing_organisations_the_default_schedule_once(
    org: Organisation, other_org: Organisation
) -> None:
    from django.apps import apps

    migration = importlib.import_module(
        "portico.payments.migrations.0008_reminder_schedule_defaults"
    )
    edited = reminders.schedule_of(other_org)

    for _ in range(2):
        migration.add_schedules(apps, None)

    schedule = ReminderSchedule.objects.get(organisation=org)
    stages = list(ReminderStage.objects.filter(schedule=schedule))
    assert [s.days for s in stages] == [-3, 0, 7, 14, 30]
    for stage in stages:
        stage.full_clean()  # the frozen texts know only real placeholders
        assert (stage.subject, stage.message) == reminders.default_stage_texts(stage.days)
    assert ReminderStage.objects.filter(schedule=edited).count() == 5
