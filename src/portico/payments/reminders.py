"""Payment reminders: an organisation's schedule emails the customer before and after an
invoice's due date, once per invoice and stage; staff may also send one by hand.

Why here: deciding that an invoice may be reminded needs the invoice (sales), the customer's
switch (contacts), outgoing mail (activity) and whether a bank debit on it is still pending
(checkouts, here in payments). Payments is the lowest app that knows all four; activity sits
beside it but cannot ask about checkouts without an import cycle (payments imports activity).

How the schedule runs: `reminders_send_due` (a periodic job) takes each organisation's "today"
in its own time zone and, for every open invoice, picks the *latest* stage whose day has come.
That stage is sent if its day is after the day the invoice was sent (no "due in 3 days" for an
invoice sent yesterday and due tomorrow) and at most `CATCH_UP_DAYS` ago (a worker that was down
catches up; a new schedule does not flood years-old invoices). The stage is claimed by a unique
(invoice, stage) row written in the same transaction that queues the emails after commit, under
a lock on the invoice: two workers at once send it once, a rerun sends nothing.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portico.core.errors import DomainError
from portico.core.hooks import Hook
from portico.orgs.models import Organisation
from portico.payments.models import (
    Checkout,
    CheckoutItem,
    InvoiceReminder,
    ReminderSchedule,
    ReminderStage,
)
from portico.sales.models import Invoice

if TYPE_CHECKING:
    from portico.accounts.models import User

logger = logging.getLogger(__name__)

CATCH_UP_DAYS = 7
"""A stage whose day passed longer ago than this is no longer sent by the schedule."""

# Money may already be on its way: a bank debit waiting to settle, or a charge being decided.
PAYMENT_UNDER_WAY = (Checkout.State.PENDING, Checkout.State.PROCESSING, Checkout.State.UNKNOWN)

_GREETING = gettext_lazy("Hello {contact_name},")
_SIGNATURE = gettext_lazy("Thank you,\n{organisation_name}")
DEFAULT_STAGES: list[tuple[int, object, object]] = [
    (
        -3,
        gettext_lazy("Invoice {document_number} is due on {due_date}"),
        gettext_lazy(
            "A friendly reminder that invoice {document_number} from {organisation_name} "
            "for {balance_due} is due on {due_date}."
        ),
    ),
    (
        0,
        gettext_lazy("Invoice {document_number} is due today"),
        gettext_lazy(
            "Invoice {document_number} from {organisation_name} for {balance_due} is due "
            "today. If you have already paid it, thank you, and please ignore this email."
        ),
    ),
    (
        7,
        gettext_lazy("Invoice {document_number} is overdue"),
        gettext_lazy(
            "Invoice {document_number} from {organisation_name} was due on {due_date} and is "
            "now {days_overdue} days overdue. {balance_due} is still to pay."
        ),
    ),
    (
        14,
        gettext_lazy("Second reminder: invoice {document_number} is overdue"),
        gettext_lazy(
            "Invoice {document_number} is {days_overdue} days overdue, with {balance_due} "
            "still to pay. Please pay it, or reply to tell us when you will."
        ),
    ),
    (
        30,
        gettext_lazy("Final reminder: invoice {document_number} is {days_overdue} days overdue"),
        gettext_lazy(
            "Invoice {document_number}, due on {due_date}, is now {days_overdue} days "
            "overdue and {balance_due} is still to pay. Please pay it now, or contact "
            "{organisation_name} if something is wrong with it."
        ),
    ),
]


def default_stage_texts(days: int) -> tuple[str, str]:
    """(subject, message) of the default stage nearest to `days`, in the active language."""
    _days, subject, body = min(DEFAULT_STAGES, key=lambda stage: abs(stage[0] - days))
    return str(subject), "\n\n".join([str(_GREETING), str(body), str(_SIGNATURE)])


# --- the schedule ---------------------------------------------------------------------------


def schedule_of(organisation: Organisation) -> ReminderSchedule:
    """The organisation's schedule; the first call makes it with the default stages, written
    in the organisation's language. Safe when two requests or workers make it at once."""
    found = ReminderSchedule.objects.filter(organisation=organisation).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            schedule = ReminderSchedule.objects.create(organisation=organisation)
            reminder_schedule_fill_defaults(schedule=schedule)
    except IntegrityError:  # made by someone else a moment ago
        return ReminderSchedule.objects.get(organisation=organisation)
    return schedule


def reminder_schedule_fill_defaults(*, schedule: ReminderSchedule) -> list[ReminderStage]:
    """Add the default stages a schedule lacks (by day); keeps the ones the business edited."""
    have = set(ReminderStage.objects.filter(schedule=schedule).values_list("days", flat=True))
    with translation.override(schedule.organisation.language or settings.LANGUAGE_CODE):
        stages = [
            ReminderStage(
                organisation_id=schedule.organisation_id,
                schedule=schedule,
                days=days,
                subject=default_stage_texts(days)[0],
                message=default_stage_texts(days)[1],
            )
            for days, _subject, _message in DEFAULT_STAGES
            if days not in have
        ]
    return ReminderStage.objects.bulk_create(stages)


# --- who may be reminded --------------------------------------------------------------------


def _payment_under_way() -> Exists:
    return Exists(
        CheckoutItem.objects.filter(invoice=OuterRef("pk"), checkout__state__in=PAYMENT_UNDER_WAY)
    )


def refusal(invoice: Invoice) -> DomainError | None:
    """Why `invoice` must not be reminded (as the error to raise), or None."""
    if invoice.status == Invoice.Status.DRAFT:
        return DomainError(_("A draft invoice is not reminded."), code="invoice_draft")
    if invoice.status == Invoice.Status.VOID:
        return DomainError(_("A void invoice is not reminded."), code="invoice_void")
    if invoice.status not in Invoice.OPEN_STATUSES or invoice.balance_due <= 0:
        return DomainError(_("Nothing is due on this invoice."), code="invoice_paid")
    if invoice.reminders_off:
        return DomainError(
            _("Reminders are stopped for this invoice."), code="invoice_reminders_off"
        )
    contact = invoice.contact
    if contact.is_deleted:
        return DomainError(_("The customer is deleted."), code="contact_deleted")
    if contact.reminders_off:
        return DomainError(
            _("This customer does not receive payment reminders."), code="contact_reminders_off"
        )
    if CheckoutItem.objects.filter(invoice=invoice, checkout__state__in=PAYMENT_UNDER_WAY).exists():
        return DomainError(
            _("A payment of this invoice is under way (a bank debit waiting to settle)."),
            code="payment_pending",
        )
    return None


# --- the email ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderMail:
    """A reminder to email: the invoice, the wording (placeholders unfilled) and the key that
    makes a second delivery of the same reminder send nothing."""

    invoice: Invoice
    subject: str
    message: str
    sent_by: User | None
    key: str
    automatic: bool
    builtin_days: int | None = None
    """The wording is still the built-in one of the default stage for this many days, so each
    reader gets it in their own language (`default_stage_texts`); None for a business's own."""


@dataclass(frozen=True)
class ReminderSent:
    subject: str
    sent_to: list[str]


# Emailing belongs to documents (Send: recipients, language, personal links, history), which
# builds on payments: its AppConfig.ready registers how a reminder is emailed.
reminder_email: Hook[ReminderMail] = Hook("email a payment reminder")


def builtin_days_of(organisation: Organisation, subject: str, message: str) -> int | None:
    """The default stage whose built-in wording, in the organisation's language (as the
    schedule was filled), is exactly `subject` and `message`; None when the business wrote its
    own."""
    with translation.override(organisation.language or settings.LANGUAGE_CODE):
        for days, _subject, _message in DEFAULT_STAGES:
            if default_stage_texts(days) == (subject, message):
                return days
    return None


def _lock(invoice_id: int) -> Invoice | None:
    return (
        Invoice.objects.select_for_update(of=("self",))
        .select_related("contact", "organisation")
        .filter(pk=invoice_id)
        .first()
    )


def _record_and_queue(
    *,
    invoice: Invoice,
    subject: str,
    message: str,
    stage: ReminderStage | None = None,
    sent_by: User | None = None,
) -> InvoiceReminder | None:
    """Claim the (invoice, stage) row and email the reminder through Send in one savepoint:
    a refusal (no recipient) leaves no claim. None when another run claimed this stage."""
    try:
        with transaction.atomic():
            reminder = InvoiceReminder.objects.create(
                organisation_id=invoice.organisation_id,
                invoice=invoice,
                stage=stage,
                manual=stage is None,
                sent_by=sent_by,
            )
            answers = reminder_email(
                ReminderMail(
                    invoice=invoice,
                    subject=subject,
                    message=message,
                    sent_by=sent_by,
                    key=f"reminder:{reminder.pk}",
                    automatic=stage is not None,
                    builtin_days=builtin_days_of(invoice.organisation, subject, message),
                )
            )
            sent = next(a for a in answers if isinstance(a, ReminderSent))
            reminder.subject = sent.subject[:300]
            reminder.sent_to = ", ".join(sent.sent_to)[:1000]
            reminder.save(update_fields=["subject", "sent_to"])
    except IntegrityError:
        return None
    return reminder


# --- the periodic job -----------------------------------------------------------------------


def stage_due(
    *,
    stages: list[ReminderStage],
    invoice: Invoice,
    today: datetime.date,
    zone_now: datetime.datetime,
) -> ReminderStage | None:
    """The stage the schedule sends `invoice` on `today`, if any (whether it already went out
    is checked by the caller and, under the invoice lock, by `_send_stage`)."""
    if invoice.due_date is None:
        return None
    sent_day = invoice.sent_at.astimezone(zone_now.tzinfo).date() if invoice.sent_at else None
    latest = None
    for stage in stages:  # ascending by days
        day = invoice.due_date + datetime.timedelta(days=stage.days)
        if day <= today:
            latest = (stage, day)
    if latest is None:
        return None
    stage, day = latest
    if (today - day).days >= CATCH_UP_DAYS:
        return None
    if sent_day is not None and day <= sent_day:
        return None
    return stage


def _candidates(
    *, organisation: Organisation, stages: list[ReminderStage], today: datetime.date
) -> QuerySet[Invoice]:
    first, last = stages[0].days, stages[-1].days
    return (
        Invoice.objects.filter(
            organisation=organisation,
            status__in=Invoice.OPEN_STATUSES,
            balance_due__gt=0,
            reminders_off=False,
            contact__reminders_off=False,
            contact__is_deleted=False,
            due_date__lte=today - datetime.timedelta(days=first),
            due_date__gt=today - datetime.timedelta(days=last + CATCH_UP_DAYS),
        )
        .exclude(_payment_under_way())
        .only("pk", "due_date", "sent_at")
    )


@transaction.atomic
def _send_stage(*, invoice_id: int, stage: ReminderStage, today: datetime.date) -> bool:
    invoice = _lock(invoice_id)
    if invoice is None or refusal(invoice) is not None:
        return False
    # Never go back to an earlier stage once a later one went out.
    if InvoiceReminder.objects.filter(
        invoice=invoice, stage__schedule_id=stage.schedule_id, stage__days__gte=stage.days
    ).exists():
        return False
    try:
        made = _record_and_queue(
            invoice=invoice, subject=stage.subject, message=stage.message, stage=stage
        )
    except DomainError as error:
        logger.info("reminder for %s not sent: %s", invoice.number, error.code)
        return False
    return made is not None


def reminders_send_for(*, organisation: Organisation, now: datetime.datetime | None = None) -> int:
    """Send the reminders of one organisation's schedule that are due `now` (its local day).
    Answers how many invoices were reminded. Safe to run twice, and on two workers at once."""
    schedule = schedule_of(organisation)
    if not schedule.enabled:
        return 0
    stages = list(ReminderStage.objects.filter(schedule=schedule, enabled=True).order_by("days"))
    if not stages:
        return 0
    zone_now = organisation.local_now(now)
    today = zone_now.date()
    candidates = list(_candidates(organisation=organisation, stages=stages, today=today))
    sent_stages = set(
        InvoiceReminder.objects.filter(
            invoice__in=[invoice.pk for invoice in candidates], stage__isnull=False
        ).values_list("invoice_id", "stage_id")
    )
    sent = 0
    for invoice in candidates:
        stage = stage_due(stages=stages, invoice=invoice, today=today, zone_now=zone_now)
        if stage is None or (invoice.pk, stage.pk) in sent_stages:
            continue
        sent += _send_stage(invoice_id=invoice.pk, stage=stage, today=today)
    return sent


def reminders_send_due(*, now: datetime.datetime | None = None) -> int:
    """The periodic job: every organisation's due reminders. Answers how many were sent."""
    total = 0
    for organisation in Organisation.objects.order_by("pk"):
        try:
            total += reminders_send_for(organisation=organisation, now=now)
        except Exception:  # one organisation's trouble must not stop the others' reminders
            logger.exception("payment reminders of %s failed", organisation.slug)
    return total


# --- by hand --------------------------------------------------------------------------------


def _texts_for_today(
    organisation: Organisation, invoice: Invoice, today: datetime.date
) -> tuple[str, str]:
    """A hand-sent reminder says what the schedule would say by now: the text of the latest
    stage whose day has come (the earliest stage before that), else the default text."""
    stages = list(ReminderStage.objects.filter(schedule=schedule_of(organisation)).order_by("days"))
    days = (today - invoice.due_date).days if invoice.due_date else 0
    if stages:
        passed = [stage for stage in stages if stage.days <= days]
        chosen = passed[-1] if passed else stages[0]
        return chosen.subject, chosen.message
    with translation.override(organisation.language or settings.LANGUAGE_CODE):
        return default_stage_texts(days)


@transaction.atomic
def invoice_remind(
    *,
    organisation: Organisation,
    invoice: Invoice,
    sent_by: User | None,
    now: datetime.datetime | None = None,
) -> InvoiceReminder:
    """Staff send a reminder now, outside the schedule; recorded as sent by hand."""
    if invoice.organisation_id != organisation.pk:
        raise DomainError("This invoice belongs to another organisation.", code="foreign_record")
    locked = _lock(invoice.pk)
    if locked is None:
        raise DomainError(_("The invoice no longer exists."), code="missing")
    problem = refusal(locked)
    if problem is not None:
        raise problem
    today = organisation.local_now(now).date()
    subject, message = _texts_for_today(organisation, locked, today)
    reminder = _record_and_queue(invoice=locked, subject=subject, message=message, sent_by=sent_by)
    assert reminder is not None  # a hand-sent reminder has no stage to clash on
    return reminder


@transaction.atomic
def invoice_reminders_set(*, invoice: Invoice, off: bool) -> Invoice:
    """Stop (or resume) the reminders of one invoice, whatever its status."""
    Invoice.objects.filter(pk=invoice.pk).update(reminders_off=off, updated_at=timezone.now())
    invoice.reminders_off = off
    return invoice


# --- reads for the back office --------------------------------------------------------------


def with_last_reminded(invoices: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """`invoices` annotated with `last_reminded_at` (None when never reminded)."""
    latest = InvoiceReminder.objects.filter(invoice=OuterRef("pk")).order_by("-created_at")
    return invoices.annotate(last_reminded_at=Subquery(latest.values("created_at")[:1]))
