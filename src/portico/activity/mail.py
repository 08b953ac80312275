"""Outgoing mail: composed in a service, sent by a task after the transaction commits."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from portico.core.timezones import first_language, zone_of
from portico.orgs.selectors import preferences_of

if TYPE_CHECKING:
    from portico.contacts.models import Contact, ContactPerson
    from portico.orgs.models import Organisation


@dataclass(frozen=True)
class OutgoingEmail:
    to: list[str]
    subject: str
    text: str
    html: str = ""
    reply_to: list[str] = field(default_factory=list)
    from_email: str = ""
    attachments: list[tuple[str, str, str]] = field(default_factory=list)
    """(filename, base64 content, mimetype): JSON-safe for the task queue."""
    organisation_id: int | None = None
    """Whose email this is: a delivery that finally fails is shown to that organisation."""
    key: str = ""
    """Names this one email: a retried or re-run task sends a key once (see `tasks.send_email`)."""

    def as_message(self) -> EmailMultiAlternatives:
        import base64

        # Subjects are one line: a CR or LF from user text must not start a new header.
        subject = " ".join(self.subject.splitlines()).strip()
        message = EmailMultiAlternatives(
            subject=subject,
            body=self.text,
            from_email=self.from_email or settings.DEFAULT_FROM_EMAIL,
            to=self.to,
            reply_to=self.reply_to or None,
            # One Message-ID per key: a receiving server can tell a re-sent copy apart.
            headers={"Message-ID": f"<{self.key}@portico>"} if self.key else None,
        )
        if self.html:
            message.attach_alternative(self.html, "text/html")
        for filename, content, mimetype in self.attachments:
            message.attach(filename, base64.b64decode(content), mimetype)
        return message


def render_email(template: str, context: dict[str, object]) -> tuple[str, str]:
    """Render `<template>.txt` and `<template>.html` with the same context."""
    text = render_to_string(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    return text, html


def language_for(
    *,
    organisation: Organisation,
    contact: Contact | None = None,
    person: ContactPerson | None = None,
) -> str:
    """The recipient's language: the person's, else the customer's, else the organisation's
    (a code Portico does not speak is skipped)."""
    return first_language(
        *(getattr(source, "language", "") for source in (person, contact, organisation))
    )


def language_for_staff(*, organisation: Organisation, email: str) -> str:
    """The language of the member of `organisation` at `email` (the business's own address is
    often one): theirs, else the organisation's (`accounts.selectors.staff_language`)."""
    from portico.accounts import selectors

    languages = selectors.staff_languages(organisation=organisation)
    return languages.get(email.strip().lower()) or language_for(organisation=organisation)


def site_link(path: str) -> str:
    """An absolute link for an email: the site's address in front of a path from `reverse`."""
    return f"{getattr(settings, 'SITE_URL', '').rstrip('/')}{path}"


def compose_email(
    *,
    organisation: Organisation,
    to: list[str],
    template: str,
    language: str,
    subject: Callable[[], str],
    context: dict[str, Any],
    reply_to: list[str] | None = None,
) -> OutgoingEmail:
    """One email from `<template>.txt` and `<template>.html` (on the shared layout), rendered
    with `language` active and dates in the organisation's time zone; `subject` is called inside
    that language too.

    The context has `organisation`, `preferences` and `logo_url` for the layout. Replies go to
    the organisation unless `reply_to` says otherwise.
    """
    logo_url = site_link(organisation.logo.url) if organisation.logo else ""
    with translation.override(language), timezone.override(zone_of(organisation.timezone)):
        text, html = render_email(
            template,
            {
                "organisation": organisation,
                "preferences": preferences_of(organisation),
                "logo_url": logo_url,
                **context,
            },
        )
        title = str(subject())
    return OutgoingEmail(
        to=to,
        subject=title,
        text=text,
        html=html,
        reply_to=reply_to if reply_to is not None else [organisation.primary_email],
        organisation_id=organisation.pk,
    )


def send_after_commit(email: OutgoingEmail) -> None:
    """Queue `email` once the surrounding transaction commits (never from a rolled-back one)."""
    from portico.activity import tasks

    payload = asdict(email)
    payload["key"] = email.key or uuid.uuid4().hex
    transaction.on_commit(lambda: tasks.send_email.enqueue(payload))
