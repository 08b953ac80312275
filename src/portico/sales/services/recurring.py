"""Recurring profiles: create, soft delete, restore, and the idempotent invoice generator."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portico.contacts.models import Contact
from portico.core import money
from portico.core.errors import DomainError
from portico.core.hooks import Hook
from portico.sales.models import Invoice, RecurringProfile, RecurringProfileLine
from portico.sales.services.common import LineInput, check_contact, check_lines, lines_of
from portico.sales.services.invoices import invoice_create, invoice_send

Frequency = RecurringProfile.Frequency


@transaction.atomic
def recurring_profile_create(
    *,
    contact: Contact,
    name: str,
    lines: Sequence[LineInput],
    start_date: datetime.date,
    frequency: str = Frequency.MONTHLY,
    end_date: datetime.date | None = None,
    payment_terms_days: int | None = None,
    send_automatically: bool = True,
    autopay: bool = False,
    notes: str = "",
    terms: str = "",
) -> RecurringProfile:
    currency = check_contact(contact)
    check_lines(contact=contact, lines=lines)
    if frequency not in Frequency.values:
        raise DomainError(f"Unknown frequency {frequency!r}.", code="invalid_frequency")
    if end_date is not None and end_date < start_date:
        raise DomainError(_("The end date is before the start date."), code="end_before_start")
    if autopay and not send_automatically:
        raise DomainError(
            "Autopay charges sent invoices: send invoices automatically.",
            code="autopay_needs_sending",
            field="autopay",
        )
    profile = RecurringProfile.objects.create(
        organisation_id=contact.organisation_id,
        contact=contact,
        name=name,
        frequency=frequency,
        start_date=start_date,
        next_date=start_date,
        end_date=end_date,
        payment_terms_days=(
            contact.payment_terms_days if payment_terms_days is None else payment_terms_days
        ),
        send_automatically=send_automatically,
        autopay=autopay,
        notes=notes,
        terms=terms,
    )
    RecurringProfileLine.objects.bulk_create(
        RecurringProfileLine(
            document=profile,
            item=line.item,
            description=line.description or (line.item.name if line.item else ""),
            quantity=line.quantity,
            rate=line.rate,
            discount_percent=line.discount_percent,
            tax=line.tax,
            amount=money.line_amount(line.quantity, line.rate, line.discount_percent, currency),
            position=index,
        )
        for index, line in enumerate(lines)
    )
    return profile


@transaction.atomic
def recurring_profile_delete(*, profile: RecurringProfile) -> RecurringProfile:
    """Soft delete: no more invoices; its invoices stay (the portal answers CP1004 on them)."""
    profile.is_deleted = True
    profile.deleted_at = timezone.now()
    profile.save(update_fields=["is_deleted", "deleted_at", "updated_at"])
    return profile


@transaction.atomic
def recurring_profile_restore(*, profile: RecurringProfile) -> RecurringProfile:
    profile.is_deleted = False
    profile.deleted_at = None
    profile.save(update_fields=["is_deleted", "deleted_at", "updated_at"])
    return profile


def _generate_one(profile_id: int, today: datetime.date) -> list[Invoice]:
    made: list[Invoice] = []
    with transaction.atomic():
        profile = (
            RecurringProfile.objects.select_for_update(of=("self",))
            .select_related("contact", "contact__organisation")
            .get(pk=profile_id)
        )
        while (
            not profile.is_deleted
            and profile.next_date <= today
            and (profile.end_date is None or profile.next_date <= profile.end_date)
        ):
            period = profile.next_date
            exists = Invoice.objects.filter(recurring_profile=profile, recurring_period=period)
            if not exists.exists():
                invoice = invoice_create(
                    contact=profile.contact,
                    lines=lines_of(profile),
                    issue_date=period,
                    due_date=period + datetime.timedelta(days=profile.payment_terms_days),
                    notes=profile.notes,
                    terms=profile.terms,
                    recurring_profile=profile,
                    recurring_period=period,
                )
                if profile.send_automatically:
                    invoice = invoice_send(invoice=invoice)
                    invoice_email(invoice)
                    if profile.autopay:
                        invoice_autopay(invoice)
                made.append(invoice)
            profile.next_date = profile.period_after(period)
            profile.save(update_fields=["next_date", "updated_at"])
    return made


# Emailing belongs to documents (Send), which builds on sales: its AppConfig.ready registers
# how a profile's invoice that "sends automatically" is emailed to the customer.
invoice_email: Hook[Invoice] = Hook("email a recurring invoice")

# Charging belongs to payments, which builds on sales: its AppConfig.ready registers how an
# invoice of a profile on autopay is charged once its transaction commits.
invoice_autopay: Hook[Invoice] = Hook("autopay a recurring invoice")


def recurring_generate_due(*, today: datetime.date) -> list[Invoice]:
    """Create the invoices every live profile owes up to `today`, each profile in its own
    transaction. Running it twice for a date creates each period's invoice once (the profile
    row is locked, and (profile, period) is unique)."""
    due = RecurringProfile.objects.live().filter(next_date__lte=today)
    made: list[Invoice] = []
    for profile_id in due.values_list("pk", flat=True):
        try:
            made.extend(_generate_one(profile_id, today))
        except IntegrityError:
            continue  # a concurrent run made this period's invoice first
    return made


@transaction.atomic
def recurring_profile_recalculate(*, profile: RecurringProfile) -> None:
    """After the back office edited a profile: refuse foreign rows, refresh line amounts and
    keep the next date on or after the start."""
    from portico.core.tenancy import ensure_same_organisation

    currency = check_contact(profile.contact)
    rows = list(profile.lines.select_related("item", "tax"))
    ensure_same_organisation(profile, *[r.item for r in rows], *[r.tax for r in rows])
    for row in rows:
        row.amount = money.line_amount(row.quantity, row.rate, row.discount_percent, currency)
        row.save(update_fields=["amount"])
    if profile.next_date is None or profile.next_date < profile.start_date:
        profile.next_date = profile.start_date
        profile.save(update_fields=["next_date", "updated_at"])
