"""Writes for documents: attach files, forward a document (staff Send: `documents.sending`)."""

from __future__ import annotations

import base64
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from email.utils import formataddr, parseaddr
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from portico.activity import services as activity_services
from portico.activity.mail import compose_email, language_for, send_after_commit
from portico.contacts import services as contact_services
from portico.contacts.models import ContactPerson
from portico.contacts.scope import PortalScope
from portico.core import ratelimit
from portico.core import text as typed
from portico.core.errors import DomainError
from portico.core.uploads import CheckedFile
from portico.documents import pdf
from portico.documents.kinds import DocumentKind
from portico.orgs.models import Organisation
from portico.payments.models import Payment
from portico.sales.models import Attachment

if TYPE_CHECKING:
    pass

logger = logging.getLogger(__name__)

MAX_RECIPIENTS = 5
MAX_MESSAGE = 2000
# Not one of the activity app's email switches, so it shows in the back office, unmailed.
FORWARDED = "document_forwarded"


@dataclass(frozen=True)
class ForwardResult:
    sent_to: list[str]
    persons_added: list[ContactPerson]


def clean_recipients(raw: Sequence[str]) -> list[str]:
    """Distinct, valid, single-line addresses (at most `MAX_RECIPIENTS`), or a field error."""
    addresses: list[str] = []
    for value in raw:
        if "\r" in value or "\n" in value:
            raise DomainError(
                _("An address cannot contain a line break."),
                code="invalid_email",
                field="recipients",
            )
        address = value.strip()
        if not address:
            continue
        try:
            validate_email(address)
        except ValidationError:
            raise DomainError(
                _("%(address)s is not a valid email address.") % {"address": address[:100]},
                code="invalid_email",
                field="recipients",
            ) from None
        if address.lower() not in {a.lower() for a in addresses}:
            addresses.append(address)
    if not addresses:
        raise DomainError(
            _("Enter at least one email address."), code="no_recipients", field="recipients"
        )
    if len(addresses) > MAX_RECIPIENTS:
        raise DomainError(
            _("Forward to at most %(max)s addresses at a time.") % {"max": MAX_RECIPIENTS},
            code="too_many_recipients",
            field="recipients",
        )
    return addresses


def sender_for(organisation: Organisation) -> str:
    """The organisation's name on the project's sending address (one line, no header tricks)."""
    name = " ".join(organisation.name.split())
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL
    return formataddr((name, address))


def _take_forward_allowance(person: ContactPerson, count: int) -> None:
    if not ratelimit.hit("forward", f"person:{person.pk}", count=count):
        raise DomainError(
            _("You have forwarded many documents in the last hour. Please try again later."),
            code="rate_limited",
            field="recipients",
        )


def pdf_attachment(
    document: Any, kind: DocumentKind, language: str | None = None
) -> tuple[str, str, str]:
    """The document's PDF as an email attachment, in `language` (the reader's)."""
    content = pdf.document_pdf(document, kind, language)
    from portico.documents.responses import safe_filename

    name = safe_filename(pdf.filename_for(kind, document.number), ".pdf")
    return (name, base64.b64encode(content).decode("ascii"), "application/pdf")


def _tell_business(
    *, scope: PortalScope, document: Any, kind: DocumentKind, addresses: list[str], ip: str | None
) -> None:
    """An activity-log line for the customer's history and a notification for the business."""
    activity_services.activity_record(
        scope=scope,
        action="document_forwarded",
        target=document,
        detail=typed.fill(
            "%(kind)s %(number)s → %(addresses)s",
            {"number": document.number},
            words={"kind": str(kind.title), "addresses": typed.listing(addresses)},
        ),
        origin=activity_services.Origin(ip=ip),
    )
    links: dict[str, Any] = {}
    if type(document) in activity_services.TARGET_FIELDS:
        links["target"] = document
    elif isinstance(document, Payment):
        links["payment"] = document
    activity_services.notification_create(
        organisation=scope.organisation,
        kind=FORWARDED,
        event_key=f"{FORWARDED}:{kind.slug}:{document.public_id}:{uuid.uuid4().hex[:12]}",
        text=lambda: typed.fill(
            _("%(person)s forwarded %(title)s %(number)s to %(addresses)s"),
            {"person": scope.person.full_name, "number": document.number},
            words={"title": str(kind.title), "addresses": typed.listing(addresses)},
        ),
        contact=scope.contact,
        person=scope.person,
        **links,
    )


@transaction.atomic
def document_forward(
    *,
    scope: PortalScope,
    kind: DocumentKind,
    document: Any,
    recipients: Sequence[str],
    message: str = "",
    ip: str | None = None,
) -> ForwardResult:
    """Email the document's PDF to each address; addresses new to the customer become contact
    persons (portal not enabled). Nothing is sent when any address is refused."""
    if not scope.preferences.allow_forwarding:
        raise DomainError(_("Forwarding documents is switched off."), code="forwarding_off")
    addresses = clean_recipients(recipients)
    message = message.strip()[:MAX_MESSAGE]
    _take_forward_allowance(scope.person, len(addresses))
    organisation, contact = scope.organisation, scope.contact
    # The reader is new to the business: the words are the forwarding person's.
    language = language_for(organisation=organisation, contact=contact, person=scope.person)
    attachment = pdf_attachment(document, kind, language)
    known = {
        email.lower()
        for email in ContactPerson.objects.filter(organisation=organisation, contact=contact)
        .exclude(email="")
        .values_list("email", flat=True)
    }
    added: list[ContactPerson] = []
    for address in addresses:
        if address.lower() not in known:
            added.append(
                contact_services.contact_person_create(
                    contact=contact, first_name=address.split("@")[0][:100], email=address
                )
            )
            known.add(address.lower())
        email = compose_email(
            organisation=organisation,
            to=[address],
            template="documents/email/forward",
            language=language,
            subject=lambda: (
                _("%(person)s forwarded %(title)s %(number)s from %(organisation)s")
                % {
                    "person": scope.person.full_name,
                    "title": kind.title,
                    "number": document.number,
                    "organisation": organisation.name,
                }
            ),
            context={
                "person": scope.person,
                "kind": kind,
                "document": document,
                "message": message,
            },
            reply_to=[organisation.primary_email] if organisation.primary_email else [],
        )
        send_after_commit(
            replace(email, from_email=sender_for(organisation), attachments=[attachment])
        )
    _tell_business(scope=scope, document=document, kind=kind, addresses=addresses, ip=ip)
    return ForwardResult(sent_to=addresses, persons_added=added)


@transaction.atomic
def attachment_add(
    *,
    organisation: Organisation,
    kind: DocumentKind,
    document: Any,
    checked: CheckedFile,
    show_in_portal: bool,
    uploaded_by: str,
) -> Attachment:
    """Store a vetted file on a document under its generated name."""
    if not kind.attachment_field:
        raise DomainError(_("Files cannot be attached to this document."), code="no_attachments")
    if document.organisation_id != organisation.pk:
        raise DomainError("This document belongs to another organisation.", code="foreign_record")
    attachment = Attachment(
        organisation=organisation,
        name=checked.original_name,
        show_in_portal=show_in_portal,
        **{kind.attachment_field: document},
    )
    attachment.file.save(checked.stored_name, ContentFile(checked.content), save=False)
    attachment.save()
    logger.info(
        "attachment %s added to %s %s by %s",
        attachment.public_id,
        kind.slug,
        document.number,
        uploaded_by,
    )
    return attachment
