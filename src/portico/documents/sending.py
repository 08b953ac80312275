"""Send: email a document to the customer's people, move it out of draft, keep a record.

`document_send(...)` is the one way a document is emailed by the business: the back office's
Send form and list action, recurring profiles that send automatically, and reminders call it.
Each person gets the email in their own language with the document's portal page behind the
button and a personal document link (`links.personal_link_url`); cc addresses get the same
email without a personal link. A repeated key (a double click, a retried task) sends nothing.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portico.activity import mail
from portico.activity import services as activity_services
from portico.activity.mail import OutgoingEmail, render_email, send_after_commit
from portico.contacts import document_links
from portico.contacts.models import ContactPerson, DocumentLink
from portico.contacts.scope import PortalScope
from portico.core import placeholders, ratelimit
from portico.core import text as typed
from portico.core.errors import DomainError
from portico.core.formats import format_date, format_money
from portico.documents import links, services
from portico.documents.kinds import DocumentKind, kind_of
from portico.documents.models import DocumentEmailTemplate, DocumentSend, SendableKind
from portico.orgs.models import Organisation
from portico.orgs.selectors import preferences_of
from portico.payments import credit_notes
from portico.payments.reminders import ReminderMail, ReminderSent, default_stage_texts
from portico.sales import services as sales_services
from portico.sales.models import CreditNote, Estimate, Invoice, SalesOrder

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    from portico.accounts.models import User

logger = logging.getLogger(__name__)

Status = ContactPerson.PortalStatus
SENDABLE: frozenset[str] = frozenset(SendableKind.values)
MAX_SUBJECT = 200
MAX_MESSAGE = 4000

DEFAULT_TEMPLATES: dict[str, tuple[_StrPromise, _StrPromise]] = {
    "estimate": (
        gettext_lazy("Estimate {document_number} from {organisation_name}"),
        gettext_lazy(
            "Hello {contact_name},\n\n"
            "Here is estimate {document_number} for {document_total}, valid until {due_date}.\n"
            "You can accept or decline it online.\n\n"
            "Kind regards,\n{organisation_name}"
        ),
    ),
    "invoice": (
        gettext_lazy("Invoice {document_number} from {organisation_name}"),
        gettext_lazy(
            "Hello {contact_name},\n\n"
            "Here is invoice {document_number} for {document_total}, due on {due_date}.\n"
            "You can see it and pay it online.\n\n"
            "Thank you for your business,\n{organisation_name}"
        ),
    ),
    "retainer-invoice": (
        gettext_lazy("Retainer invoice {document_number} from {organisation_name}"),
        gettext_lazy(
            "Hello {contact_name},\n\n"
            "Here is retainer invoice {document_number} for {document_total}: the deposit we "
            "ask before starting. You can pay it online.\n\n"
            "Thank you,\n{organisation_name}"
        ),
    ),
    "sales-order": (
        gettext_lazy("Sales order {document_number} from {organisation_name}"),
        gettext_lazy(
            "Hello {contact_name},\n\n"
            "Here is sales order {document_number} for {document_total}, as confirmed.\n\n"
            "Kind regards,\n{organisation_name}"
        ),
    ),
    "credit-note": (
        gettext_lazy("Credit note {document_number} from {organisation_name}"),
        gettext_lazy(
            "Hello {contact_name},\n\n"
            "Here is credit note {document_number} for {document_total}. The credit is on "
            "your account.\n\n"
            "Kind regards,\n{organisation_name}"
        ),
    ),
}

# Statuses a document cannot be sent from (a void invoice is not sent again).
UNSENDABLE: dict[type[Any], frozenset[str]] = {
    Invoice: frozenset({Invoice.Status.VOID}),
    CreditNote: frozenset({CreditNote.Status.VOID}),
    SalesOrder: frozenset({SalesOrder.Status.CANCELLED}),
    Estimate: frozenset(),
}


@dataclass(frozen=True)
class EmailWording:
    subject: str
    message: str
    custom: bool
    """False when the organisation kept the built-in wording (it follows each recipient's
    language); a business's own wording is sent as written."""


@dataclass(frozen=True)
class SendResult:
    record: DocumentSend
    sent_now: bool
    """False when the key had already sent (a double click): nothing went out this time."""


def sendable_kind(document: Any) -> DocumentKind:
    try:
        kind = kind_of(document)
    except LookupError:
        kind = None
    if kind is None or kind.slug not in SENDABLE:
        raise DomainError(_("This document cannot be sent."), code="not_sendable")
    return kind


def wording_for(*, organisation: Organisation, kind: str) -> EmailWording:
    """The organisation's subject and message for `kind`, or the built-in ones."""
    row = DocumentEmailTemplate.objects.filter(organisation=organisation, kind=kind).first()
    if row is not None:
        return EmailWording(row.subject, row.message, custom=True)
    subject, message = DEFAULT_TEMPLATES[kind]
    return EmailWording(str(subject), str(message), custom=False)


def email_template_save(
    *, organisation: Organisation, kind: str, subject: str, message: str
) -> DocumentEmailTemplate:
    """Store the organisation's own wording for `kind` (unknown placeholders are refused)."""
    if kind not in SENDABLE:
        raise DomainError("Unknown document kind.", code="invalid_kind", field="kind")
    subject = placeholders.check(" ".join(subject.split())[:MAX_SUBJECT], field="subject")
    message = placeholders.check(message.strip()[:MAX_MESSAGE], field="message")
    row, _created = DocumentEmailTemplate.objects.update_or_create(
        organisation=organisation, kind=kind, defaults={"subject": subject, "message": message}
    )
    return row


def default_recipients(document: Any) -> list[ContactPerson]:
    """The persons ticked in advance: those who receive documents by email, else the primary
    person (else the first with an address), never one whose portal access was disabled."""
    persons = recipient_choices(document)
    chosen = [p for p in persons if p.receives_documents]
    if not chosen and persons:
        chosen = [next((p for p in persons if p.is_primary), persons[0])]
    return chosen


def recipient_choices(document: Any) -> list[ContactPerson]:
    """The customer's persons with an email address (the Send form's list)."""
    return list(
        ContactPerson.objects.filter(
            organisation_id=document.organisation_id, contact_id=document.contact_id
        )
        .exclude(email="")
        .exclude(portal_status=Status.DISABLED)
        .select_related("contact", "user")
        .order_by("-is_primary", "first_name", "pk")
    )


def _clean_cc(cc: Sequence[str]) -> list[str]:
    if not any(value.strip() for value in cc):
        return []
    try:
        return services.clean_recipients(cc)
    except DomainError as error:
        raise DomainError(error.message, code=error.code, field="cc") from None


def language_for(person: ContactPerson | None, document: Any) -> str:
    """The reader's language (`activity.mail.language_for`: person, customer, organisation)."""
    return mail.language_for(
        organisation=document.organisation, contact=document.contact, person=person
    )


def placeholder_values(
    *, document: Any, kind: DocumentKind, name: str, link: str, language: str
) -> dict[str, object]:
    """What each placeholder of `core.placeholders` becomes for this document and reader."""
    due: datetime.date | None = getattr(document, "due_date", None) or getattr(
        document, "expiry_date", None
    )
    balance: Decimal | None = getattr(document, "balance_due", None)
    today = document.organisation.local_now().date()
    overdue = (today - due).days if due is not None and due < today else 0
    return {
        "organisation_name": document.organisation.name,
        "customer_name": document.contact.display_name,
        "contact_name": name or document.contact.display_name,
        "document_type": str(kind.title).lower(),
        "document_number": document.number,
        "document_total": format_money(document.total, document.currency, language),
        "balance_due": format_money(balance, document.currency, language)
        if balance is not None
        else "",
        "issue_date": format_date(document.issue_date, language),
        "due_date": format_date(due, language) if due is not None else "",
        "days_overdue": overdue,
        "link": link,
    }


def _issue(document: Any) -> Any:
    """Move a draft out of draft with its own service; other statuses stay as they are."""
    if getattr(document, "status", "") != "draft":
        return document
    if isinstance(document, Invoice):
        return sales_services.invoice_send(invoice=document)
    if isinstance(document, Estimate):
        return sales_services.estimate_send(estimate=document)
    if isinstance(document, SalesOrder):
        return sales_services.sales_order_confirm(sales_order=document)
    if isinstance(document, CreditNote):
        return credit_notes.credit_note_open(credit_note=document)
    raise DomainError(_("This document cannot be sent."), code="not_sendable")


def _check_persons(document: Any, persons: Sequence[ContactPerson]) -> list[ContactPerson]:
    allowed = {p.pk: p for p in recipient_choices(document)}
    chosen: list[ContactPerson] = []
    for person in persons:
        if person.pk not in allowed:
            raise DomainError(
                _("Choose contact persons of this customer with an email address."),
                code="foreign_record",
                field="persons",
            )
        if allowed[person.pk] not in chosen:
            chosen.append(allowed[person.pk])
    return chosen


@dataclass(frozen=True)
class _Letter:
    to: str
    name: str
    language: str
    button_url: str
    personal_url: str
    person: ContactPerson | None


def _compose(
    *,
    letter: _Letter,
    document: Any,
    kind: DocumentKind,
    subject: str | None,
    message: str | None,
    attachment: tuple[str, str, str] | None,
    builtin_wording: Callable[[], tuple[str, str]] | None = None,
) -> OutgoingEmail:
    organisation = document.organisation
    with translation.override(letter.language):
        if builtin_wording is not None:
            wording = EmailWording(*builtin_wording(), custom=False)
        else:
            wording = wording_for(organisation=organisation, kind=kind.slug)
        values = placeholder_values(
            document=document,
            kind=kind,
            name=letter.name,
            link=letter.personal_url or letter.button_url,
            language=letter.language,
        )
        filled_subject = placeholders.fill(
            subject if subject is not None else wording.subject, values
        )
        filled_message = placeholders.fill(
            message if message is not None else wording.message, values
        )
        preferences = preferences_of(organisation)
        text, html = render_email(
            "documents/email/send",
            {
                "organisation": organisation,
                "preferences": preferences,
                "logo_url": links.absolute(organisation.logo.url) if organisation.logo else "",
                "document": document,
                "kind": kind,
                "paragraphs": [p for p in filled_message.split("\n\n") if p.strip()],
                "message": filled_message,
                "button_url": letter.button_url,
                "personal_url": letter.personal_url,
                "has_access": letter.person is not None
                and letter.person.portal_status == Status.ACTIVE,
                "button_label": _button_label(kind),
                "days": preferences.document_link_days,
                "total": values["document_total"],
                "due_date": values["due_date"],
                "attached": attachment is not None,
            },
        )
    return OutgoingEmail(
        to=[letter.to],
        subject=" ".join(filled_subject.split())[:300],
        text=text,
        html=html,
        from_email=services.sender_for(organisation),
        reply_to=[organisation.primary_email] if organisation.primary_email else [],
        attachments=[attachment] if attachment else [],
        organisation_id=organisation.pk,
    )


def _button_label(kind: DocumentKind) -> str:
    labels = {
        "estimate": _("View and accept the estimate"),
        "invoice": _("View and pay the invoice"),
        "retainer-invoice": _("View and pay the retainer invoice"),
    }
    return labels.get(kind.slug) or _("View the document")


def document_send(
    *,
    organisation: Organisation,
    document: Any,
    sent_by: User | None,
    persons: Sequence[ContactPerson] | None = None,
    cc: Sequence[str] = (),
    subject: str | None = None,
    message: str | None = None,
    attach_pdf: bool = True,
    key: str = "",
    automatic: bool = False,
    purpose: str = DocumentSend.Purpose.SEND,
    builtin_wording: Callable[[], tuple[str, str]] | None = None,
) -> SendResult:
    """Email `document` to `persons` (default: `default_recipients`) and the `cc` addresses.

    `subject`/`message` None means the organisation's wording for the kind, in each
    recipient's language (`builtin_wording`, called in each language, replaces the kind's:
    a reminder's); given ones are checked against `core.placeholders`. `purpose`
    (send | reminder) is kept on the record and names the activity-log line. A draft moves
    to sent (estimates, invoices), confirmed (sales orders) or open (credit notes); a sent one
    is sent again. `key` makes a repeat harmless: a key that already sent returns that record
    with `sent_now=False` and sends nothing. Emails leave after the transaction commits.
    """
    key = (key or uuid.uuid4().hex)[:80]
    done = DocumentSend.objects.filter(organisation=organisation, key=key).first()
    if done is not None:
        return SendResult(done, sent_now=False)
    try:
        with transaction.atomic():
            record = _send(
                organisation=organisation,
                document=document,
                sent_by=sent_by,
                persons=persons,
                cc=cc,
                subject=subject,
                message=message,
                attach_pdf=attach_pdf,
                key=key,
                automatic=automatic,
                purpose=purpose,
                builtin_wording=builtin_wording,
            )
    except IntegrityError:
        # The same key committed first in a concurrent request: that one sent it.
        done = DocumentSend.objects.filter(organisation=organisation, key=key).first()
        if done is None:
            raise
        return SendResult(done, sent_now=False)
    return SendResult(record, sent_now=True)


def _send(
    *,
    organisation: Organisation,
    document: Any,
    sent_by: User | None,
    persons: Sequence[ContactPerson] | None,
    cc: Sequence[str],
    subject: str | None,
    message: str | None,
    attach_pdf: bool,
    key: str,
    automatic: bool,
    purpose: str,
    builtin_wording: Callable[[], tuple[str, str]] | None,
) -> DocumentSend:
    if document.organisation_id != organisation.pk:
        raise DomainError("This document belongs to another organisation.", code="foreign_record")
    # Decide on the stored status, not on a copy a page loaded earlier.
    document = (
        type(document)
        ._default_manager.select_related("contact", "organisation")
        .get(pk=document.pk)
    )
    kind = sendable_kind(document)
    if document.status in UNSENDABLE.get(type(document), frozenset()):
        raise DomainError(
            _("A %(status)s document cannot be sent.")
            % {"status": document.get_status_display().lower()},
            code="not_sendable",
        )
    if subject is not None:
        subject = placeholders.check(" ".join(subject.split())[:MAX_SUBJECT], field="subject")
        if not subject:
            raise DomainError(_("Enter a subject."), code="no_subject", field="subject")
    if message is not None:
        message = placeholders.check(message.strip()[:MAX_MESSAGE], field="message")
    chosen = default_recipients(document) if persons is None else _check_persons(document, persons)
    addresses = _clean_cc(cc)
    known = {p.email.lower() for p in chosen}
    addresses = [a for a in addresses if a.lower() not in known]
    if not chosen and not addresses:
        raise DomainError(
            _("Choose at least one recipient with an email address."),
            code="no_recipients",
            field="persons",
        )
    # The key is taken before anything is sent, so a concurrent twin fails here, not later.
    record = DocumentSend.objects.create(
        organisation=organisation,
        kind=kind.slug,
        document_id=document.public_id,
        number=document.number,
        contact_id=document.contact_id,
        sent_by=sent_by,
        automatic=automatic,
        purpose=purpose,
        key=key,
        cc=addresses,
        subject="",
        attached_pdf=attach_pdf,
    )
    document = _issue(document)
    document = (
        type(document)
        ._default_manager.select_related("contact", "organisation")
        .get(pk=document.pk)
    )
    portal_page = links.portal_document_url(organisation, kind.slug, document.public_id)
    letters: list[_Letter] = []
    for person in chosen:
        personal = links.personal_link_url(person=person, kind=kind.slug, document=document)
        active = person.portal_status == Status.ACTIVE
        letters.append(
            _Letter(
                to=person.email,
                name=person.first_name or person.full_name,
                language=language_for(person, document),
                button_url=portal_page if active else personal,
                personal_url=personal,
                person=person,
            )
        )
    for address in addresses:
        letters.append(
            _Letter(
                to=address,
                name="",
                language=language_for(None, document),
                button_url=portal_page,
                personal_url="",
                person=None,
            )
        )
    first_subject = ""
    attachments: dict[str, tuple[str, str, str]] = {}  # one PDF per language read
    for letter in letters:
        attachment = None
        if attach_pdf:
            if letter.language not in attachments:
                attachments[letter.language] = services.pdf_attachment(
                    document, kind, letter.language
                )
            attachment = attachments[letter.language]
        email = _compose(
            letter=letter,
            document=document,
            kind=kind,
            subject=subject,
            message=message,
            attachment=attachment,
            builtin_wording=builtin_wording,
        )
        first_subject = first_subject or email.subject
        send_after_commit(email)
    record.subject = first_subject
    record.recipients = [
        {
            "person": str(letter.person.public_id),
            "name": letter.person.full_name,
            "email": letter.to,
            "language": letter.language,
            "link": bool(letter.personal_url),
        }
        for letter in letters
        if letter.person is not None
    ]
    record.save(update_fields=["subject", "recipients", "updated_at"])
    who = "automatically" if automatic else f"by staff {sent_by.pk if sent_by else '-'}"
    for letter in letters:
        if letter.person is None:
            continue
        activity_services.activity_record(
            scope=PortalScope(organisation, document.contact, letter.person),
            action="document_sent" if purpose == DocumentSend.Purpose.SEND else f"{purpose}_sent",
            target=document,
            detail=typed.fill(
                "%(kind)s %(number)s emailed to %(to)s %(who)s%(cc)s",
                {"number": document.number, "to": letter.to},
                words={
                    "kind": kind.slug,
                    "who": who,
                    "cc": f", cc {typed.listing(addresses)}" if addresses else "",
                },
            ),
        )
    logger.info("%s %s sent to %d recipients (%s)", kind.slug, document.number, len(letters), who)
    return record


def reminder_send(mail: ReminderMail) -> ReminderSent:
    """How a payment reminder is emailed (registered on `payments.reminders.reminder_email`):
    a Send of the invoice with the stage's wording to its default recipients, without the PDF,
    each with a personal link, recorded as a reminder."""
    days = mail.builtin_days
    builtin = mail.builtin_days is not None
    result = document_send(
        organisation=mail.invoice.organisation,
        document=mail.invoice,
        sent_by=mail.sent_by,
        subject=None if builtin else mail.subject,
        message=None if builtin else mail.message,
        builtin_wording=(lambda: default_stage_texts(days or 0)) if builtin else None,
        attach_pdf=False,
        key=mail.key,
        automatic=mail.automatic,
        purpose=DocumentSend.Purpose.REMINDER,
    )
    record = result.record
    return ReminderSent(
        subject=record.subject, sent_to=[str(r["email"]) for r in record.recipients or []]
    )


def send_history(*, organisation: Organisation, document: Any) -> list[DocumentSend]:
    """Every send of `document`, newest first (the back office shows them on the document)."""
    return list(
        DocumentSend.objects.filter(organisation=organisation, document_id=document.public_id)
        .select_related("sent_by")
        .order_by("-created_at", "-id")
    )


def sent_moments_ago(
    *, organisation: Organisation, document: Any, by: User | None, seconds: int = 60
) -> bool:
    """Whether `by` sent `document` in the last `seconds` (a list action submitted twice)."""
    return DocumentSend.objects.filter(
        organisation=organisation,
        document_id=document.public_id,
        sent_by=by,
        created_at__gte=timezone.now() - datetime.timedelta(seconds=seconds),
    ).exists()


def recurring_invoice_enqueue(invoice: Invoice) -> None:
    """Hook handler (`sales.services.recurring.invoice_email`): once the new invoice's
    transaction commits, email it in the background, so a mail or PDF problem never undoes
    the invoice."""
    from portico.documents.tasks import send_recurring_invoice

    transaction.on_commit(lambda: send_recurring_invoice.enqueue(invoice.pk))


def recurring_invoice_send_by_id(*, invoice_id: int) -> str:
    """Send a recurring profile's invoice to the default recipients with the default wording.

    Keyed by the invoice, so a retried task sends it once; a customer with nobody to email
    is logged (the invoice stays sent, as "Mark as sent" would leave it).
    """
    invoice = Invoice.objects.select_related("organisation", "contact").get(pk=invoice_id)
    try:
        result = document_send(
            organisation=invoice.organisation,
            document=invoice,
            sent_by=None,
            key=f"recurring:{invoice.public_id}",
            automatic=True,
        )
    except DomainError as error:
        logger.warning(
            "recurring invoice %s was not emailed: %s (%s)",
            invoice.number,
            error.message,
            error.code,
        )
        return error.code
    return "sent" if result.sent_now else "already_sent"


# --- document links: opened, renewed -----------------------------------------------------------


def document_link_opened(
    *, scope: PortalScope, link: DocumentLink, document: Any, ip: str | None, user_agent: str = ""
) -> None:
    """Count the use and log it with the visitor's IP in the customer's activity log."""
    document_links.link_record_use(link=link)
    activity_services.activity_record(
        scope=scope,
        action="document_link_opened",
        target=document,
        detail=f"personal link {link.public_id} ({link.document_kind})",
        origin=activity_services.Origin(ip=ip, user_agent=user_agent),
    )


@transaction.atomic
def document_link_renew(*, link: DocumentLink, ip: str | None = None) -> bool:
    """Email a fresh link to the address the expired one went to.

    Only for an expired link (a revoked one stays dead), a person with an address and a
    document the portal still shows; at most the "link-renew" rate limit per link. Answers
    whether a new link was sent (the page says the same either way).
    """
    person = link.person
    if link.revoked_at is not None or not link.is_expired or not person.email:
        return False
    if person.portal_status == Status.DISABLED or person.contact.is_deleted:
        return False
    if not ratelimit.hit("link-renew", f"link:{link.pk}"):
        return False
    from portico.documents import selectors
    from portico.documents.kinds import kind_named

    kind = kind_named(link.document_kind)
    scope = PortalScope(link.organisation, person.contact, person, document_id=link.document_id)
    try:
        document = selectors.document_get_for_portal(
            scope=scope, kind=kind, public_id=link.document_id
        )
    except Http404:
        return False
    if document.status in UNSENDABLE.get(type(document), frozenset()):
        return False
    organisation = link.organisation
    personal = links.personal_link_url(person=person, kind=kind.slug, document=document)
    language = language_for(person, document)
    with translation.override(language):
        preferences = preferences_of(organisation)
        text, html = render_email(
            "documents/email/link_renewed",
            {
                "organisation": organisation,
                "preferences": preferences,
                "logo_url": links.absolute(organisation.logo.url) if organisation.logo else "",
                "person": person,
                "kind": kind,
                "document": document,
                "link": personal,
                "days": preferences.document_link_days,
            },
        )
        subject = _("Your new link to %(title)s %(number)s") % {
            "title": kind.title,
            "number": document.number,
        }
    send_after_commit(
        OutgoingEmail(
            to=[person.email],
            subject=subject,
            text=text,
            html=html,
            from_email=services.sender_for(organisation),
            reply_to=[organisation.primary_email] if organisation.primary_email else [],
            organisation_id=organisation.pk,
        )
    )
    activity_services.activity_record(
        scope=scope,
        action="document_link_renewed",
        target=document,
        detail=typed.fill("new link emailed to %(email)s", {"email": person.email}),
        origin=activity_services.Origin(ip=ip),
    )
    return True
