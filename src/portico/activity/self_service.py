"""Portal self-service writes: my details, login email, company details, messages, reviews.

Import the module: `from portico.activity import self_service`. The portal pages and the Portal API
both call it.
Every customer-facing write tells the business through one function, `_tell_business`, and
keeps a line in the customer's activity log through `_log`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portico.accounts.models import User, normalise_email
from portico.activity import services as activity
from portico.activity.invitations import portal_link
from portico.activity.mail import (
    compose_email,
    language_for,
    language_for_staff,
    send_after_commit,
)
from portico.activity.models import Notification
from portico.contacts import portal_tokens as tokens
from portico.contacts.models import (
    MESSAGE_MAX_LENGTH,
    REVIEW_MAX_LENGTH,
    SUBJECT_MAX_LENGTH,
    Contact,
    ContactPerson,
    CustomerMessage,
    DetailsChangeItem,
    PendingEmailChange,
    PortalToken,
    Review,
    field_label,
)
from portico.contacts.scope import PortalScope
from portico.contacts.self_service_selectors import settings_of
from portico.core import text as typed
from portico.core.errors import DomainError
from portico.core.timezones import supported_language
from portico.orgs.selectors import preferences_of

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

    from portico.orgs.models import Organisation

Kind = Notification.Kind
Status = DetailsChangeItem.Status
Purpose = PortalToken.Purpose
Origin = activity.Origin

PERSON_FIELDS = ("first_name", "last_name", "phone", "mobile", "designation", "language")
ADDRESS_PARTS = ("attention", "street", "street2", "city", "state", "postal_code", "country")
COMPANY_FIELDS = (
    "display_name",
    "company_name",
    "tax_number",
    "website",
    "phone",
    *(f"billing_{part}" for part in ADDRESS_PARTS),
    *(f"shipping_{part}" for part in ADDRESS_PARTS),
)


_lazy_label = lazy(field_label, str)


@dataclass(frozen=True)
class Change:
    field: str
    label: _StrOrPromise
    """Lazy where it can be, so a notification names the field in each reader's language."""
    old: str
    new: str

    def __str__(self) -> str:
        return self.line(str)

    def line(self, shown: Callable[[object], str]) -> str:
        """`label: old → new`, each value through `shown` (`typed.isolate` in a notification)."""
        old, new = (shown(value) if value else "—" for value in (self.old, self.new))
        return f"{self.label}: {old} → {new}"


@dataclass(frozen=True)
class CompanyResult:
    applied: list[Change]
    queued: list[Change]


# --- the business hears about it ---------------------------------------------------------------


def _tell_business(
    *, scope: PortalScope, kind: str, key: str, text: activity.NotificationText
) -> None:
    """One notification per event (emailed to the business when its settings say so)."""
    activity.notification_create(
        organisation=scope.organisation,
        kind=kind,
        event_key=key,
        text=text,
        contact=scope.contact,
        person=scope.person,
    )


def _log(*, scope: PortalScope, action: str, detail: str, origin: Origin | None) -> None:
    activity.activity_record(scope=scope, action=action, detail=detail, origin=origin)


def _changes_text(scope: PortalScope, headline: str, changes: list[Change]) -> str:
    """One line naming who changed what, the fields named in the active language, its typed
    parts (names, values) between isolates: the activity log's detail and the notification."""
    listed = "; ".join(change.line(typed.isolate) for change in changes)
    names = f"{typed.isolate(scope.contact.display_name)} ({typed.isolate(scope.person.full_name)})"
    return f"{names} {headline}: {listed}"


def _value(obj: Any, field: str) -> str:
    return str(getattr(obj, field) or "")


def _validate(obj: Any, fields: tuple[str, ...]) -> None:
    """Run the model's own field validation on `fields`; the first problem becomes a DomainError."""
    others = [f.name for f in obj._meta.fields if f.name not in fields]
    try:
        obj.clean_fields(exclude=others)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise DomainError(messages[0], code="invalid_field", field=field) from None


def _no_line_breaks(value: str, field: str) -> None:
    if "\r" in value or "\n" in value:
        raise DomainError(_("Use a single line here."), code="line_break", field=field)


def _bounded_text(value: str, *, field: str, limit: int) -> str:
    """`value` stripped; empty or longer than `limit` is a field error."""
    value = value.strip()
    if not value:
        raise DomainError(_("This field is required."), code="required", field=field)
    if len(value) > limit:
        raise DomainError(
            _("Keep this under %(count)d characters.") % {"count": limit},
            code="too_long",
            field=field,
        )
    return value


# --- my details ---------------------------------------------------------------------------------


def _language_codes() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


@transaction.atomic
def person_details_update(
    *, scope: PortalScope, values: dict[str, str], origin: Origin | None = None
) -> list[Change]:
    """Save the person's own name, phones, designation and language; answers what changed."""
    person = ContactPerson.objects.select_for_update().get(
        pk=scope.person.pk, organisation=scope.organisation
    )
    cleaned = {field: str(values.get(field, "") or "").strip() for field in PERSON_FIELDS}
    if not cleaned["first_name"]:
        raise DomainError(_("Enter your first name."), code="required", field="first_name")
    if cleaned["language"] and cleaned["language"] not in _language_codes():
        raise DomainError(_("Choose a language from the list."), code="language", field="language")
    for field in PERSON_FIELDS:
        _no_line_breaks(cleaned[field], field)
    changes = [
        Change(field, _lazy_label(ContactPerson, field), _value(person, field), cleaned[field])
        for field in PERSON_FIELDS
        if _value(person, field) != cleaned[field]
    ]
    for field, value in cleaned.items():
        setattr(person, field, value)
    _validate(person, PERSON_FIELDS)
    if not changes:
        return []
    person.save(update_fields=[*PERSON_FIELDS, "updated_at"])
    for change in changes:
        setattr(scope.person, change.field, change.new)
    text = _changes_text(scope, _("updated their details"), changes)
    _log(scope=scope, action="details_updated", detail=text, origin=origin)
    _tell_business(
        scope=scope,
        kind=Kind.DETAILS_UPDATED,
        key=f"person_details:{person.public_id}:{uuid.uuid4()}",
        text=lambda: _changes_text(scope, _("updated their details"), changes),
    )
    return changes


def language_choose(*, user: User, organisation: Organisation, language: str) -> str:
    """The language a portal user picked in a switcher, saved on their persons at this
    organisation; answers it, or "" (nothing saved) for a code Portico does not speak."""
    chosen = supported_language(language)
    if chosen:
        ContactPerson.objects.in_organisation(organisation).filter(user=user).update(
            language=chosen, updated_at=timezone.now()
        )
    return chosen


# --- login email --------------------------------------------------------------------------------


def _email_person(
    *, person: ContactPerson, to: str, template: str, subject: Callable[[], str], **context: object
) -> None:
    organisation = person.organisation
    send_after_commit(
        compose_email(
            organisation=organisation,
            to=[to],
            template=f"portal/self_service/email/{template}",
            language=language_for(organisation=organisation, contact=person.contact, person=person),
            subject=subject,
            context={"person": person, "portal_url": portal_link(organisation), **context},
        )
    )


def _ensure_email_free(*, person: ContactPerson, email: str) -> None:
    users = User.objects.filter(email__iexact=email)
    if person.user_id is not None:
        users = users.exclude(pk=person.user_id)
    taken_by_user = users.exists()
    taken_in_customer = (
        ContactPerson.objects.filter(contact_id=person.contact_id, email__iexact=email)
        .exclude(pk=person.pk)
        .exists()
    )
    if taken_by_user or taken_in_customer:
        raise DomainError(
            _("This email address is already used by another login."),
            code="email_taken",
            field="new_email",
        )


@transaction.atomic
def email_change_request(
    *, scope: PortalScope, current_password: str, new_email: str, origin: Origin | None = None
) -> PendingEmailChange:
    """Send a confirmation link to `new_email` and a notice to the current address.

    Nothing changes until the link is opened (`email_change_confirm`).
    """
    person = (
        ContactPerson.objects.select_for_update(of=("self",))
        .select_related("user", "organisation", "contact")
        .get(pk=scope.person.pk, organisation=scope.organisation)
    )
    user = person.user
    if user is None or not user.check_password(current_password):
        raise DomainError(
            _("Your current password is not right."),
            code="wrong_password",
            field="current_password",
        )
    new_email = normalise_email(new_email.strip())
    if not new_email:
        raise DomainError(_("Enter an email address."), code="required", field="new_email")
    _no_line_breaks(new_email, "new_email")
    if new_email == normalise_email(person.email) and new_email == user.email:
        raise DomainError(
            _("This is already your email address."), code="same_email", field="new_email"
        )
    probe = ContactPerson(email=new_email)
    try:
        probe.clean_fields(
            exclude=[f.name for f in ContactPerson._meta.fields if f.name != "email"]
        )
    except ValidationError:
        raise DomainError(
            _("Enter a valid email address."), code="invalid_email", field="new_email"
        ) from None
    _ensure_email_free(person=person, email=new_email)
    token, secret = tokens.token_issue(person=person, purpose=Purpose.EMAIL_CHANGE)
    pending = PendingEmailChange.objects.create(
        organisation=scope.organisation, person=person, token=token, new_email=new_email
    )

    subject_args = {"organisation": scope.organisation.name}
    _email_person(
        person=person,
        to=new_email,
        template="email_change_confirm",
        subject=lambda: (
            _("Confirm your new email address for %(organisation)s's client portal") % subject_args
        ),
        link=portal_link(scope.organisation, f"account/email/confirm/{secret}"),
        new_email=new_email,
    )
    _email_person(
        person=person,
        to=person.email,
        template="email_change_notice",
        subject=lambda: (
            _("Your login email for %(organisation)s's client portal is being changed")
            % subject_args
        ),
        new_email=new_email,
    )
    _log(
        scope=scope,
        action="email_change_requested",
        detail=typed.fill("%(old)s → %(new)s", {"old": person.email, "new": new_email}),
        origin=origin,
    )
    return pending


@transaction.atomic
def email_change_confirm(
    *, organisation: Organisation, secret: str, origin: Origin | None = None
) -> ContactPerson:
    """Make the new address the person's login; their open reset and invitation links stop working.

    Raises `tokens.TokenRejected` for a bad, used, replaced or expired link.
    """

    token = tokens.token_check(
        organisation=organisation, secret=secret, purpose=Purpose.EMAIL_CHANGE
    )
    # Single use even with two clicks at once: only one UPDATE finds the token unused.
    claimed = PortalToken.objects.filter(pk=token.pk, used_at__isnull=True).update(
        used_at=timezone.now()
    )
    if not claimed:
        raise tokens.TokenRejected(tokens.TokenProblem.USED, token)
    pending = PendingEmailChange.objects.get(token=token, organisation=organisation)
    person = (
        ContactPerson.objects.select_for_update(of=("self",))
        .select_related("user", "contact")
        .get(pk=pending.person_id, organisation=organisation)
    )
    _ensure_email_free(person=person, email=pending.new_email)
    old_email = person.email
    person.email = pending.new_email
    person.save(update_fields=["email", "updated_at"])
    if person.user is not None:
        person.user.email = pending.new_email
        person.user.save(update_fields=["email"])
    tokens.revoke_open_tokens(
        person_ids=[person.pk], purposes=[Purpose.PASSWORD_RESET, Purpose.INVITATION]
    )
    scope = PortalScope(organisation, person.contact, person)
    change = Change("email", gettext_lazy("Email"), old_email, person.email)
    _log(scope=scope, action="email_changed", detail=change.line(typed.isolate), origin=origin)
    _tell_business(
        scope=scope,
        kind=Kind.DETAILS_UPDATED,
        key=f"email_change:{token.public_id}",
        text=lambda: _changes_text(scope, _("changed their login email"), [change]),
    )
    return person


# --- company details ----------------------------------------------------------------------------


def _contact_changes(contact: Contact, values: dict[str, str]) -> list[Change]:
    cleaned = {field: str(values.get(field, "") or "").strip() for field in COMPANY_FIELDS}
    if not cleaned["display_name"]:
        raise DomainError(_("Enter the company's name."), code="required", field="display_name")
    for field, value in cleaned.items():
        _no_line_breaks(value, field)
    probe = Contact(**{field: cleaned[field] for field in COMPANY_FIELDS})
    _validate(probe, COMPANY_FIELDS)
    return [
        Change(field, _lazy_label(Contact, field), _value(contact, field), _value(probe, field))
        for field in COMPANY_FIELDS
        if _value(contact, field) != _value(probe, field)
    ]


@transaction.atomic
def company_details_submit(
    *, scope: PortalScope, values: dict[str, str], origin: Origin | None = None
) -> CompanyResult:
    """Apply the customer's company details at once, or queue each changed field for review.

    The organisation's `SelfServiceSettings.details_changes_need_review` decides which.
    """
    contact = Contact.objects.select_for_update().get(
        pk=scope.contact.pk, organisation=scope.organisation
    )
    changes = _contact_changes(contact, values)
    if not changes:
        return CompanyResult(applied=[], queued=[])
    review = settings_of(scope.organisation).details_changes_need_review
    batch = uuid.uuid4()
    DetailsChangeItem.objects.bulk_create(
        DetailsChangeItem(
            organisation=scope.organisation,
            contact=contact,
            person=scope.person,
            batch=batch,
            field=change.field,
            old_value=change.old[:300],
            new_value=change.new[:300],
            status=Status.PENDING if review else Status.APPLIED,
        )
        for change in changes
    )
    if not review:
        for change in changes:
            setattr(contact, change.field, change.new)
        contact.save(update_fields=[*(c.field for c in changes), "updated_at"])
        for change in changes:
            setattr(scope.contact, change.field, getattr(contact, change.field))
    headline = (
        gettext_lazy("asked to change the company details (waiting for your review)")
        if review
        else gettext_lazy("updated the company details")
    )
    text = _changes_text(scope, str(headline), changes)
    _log(
        scope=scope,
        action="company_details_requested" if review else "company_details_updated",
        detail=text,
        origin=origin,
    )
    _tell_business(
        scope=scope,
        kind=Kind.DETAILS_UPDATED,
        key=f"company_details:{batch}",
        text=lambda: _changes_text(scope, str(headline), changes),
    )
    if review:
        return CompanyResult(applied=[], queued=changes)
    return CompanyResult(applied=changes, queued=[])


# --- contact the business -----------------------------------------------------------------------


@transaction.atomic
def customer_message_send(
    *, scope: PortalScope, subject: str, body: str, origin: Origin | None = None
) -> CustomerMessage:
    """Email the organisation's address (reply-to the person), keep the message, notify.

    How many a person may send is the `message` abuse limit (`core.ratelimit`), counted where
    the request comes in: the portal's page and the Portal API share it."""
    subject = _bounded_text(subject, field="subject", limit=SUBJECT_MAX_LENGTH)
    _no_line_breaks(subject, "subject")
    body = _bounded_text(body, field="body", limit=MESSAGE_MAX_LENGTH)
    person = scope.person
    message = CustomerMessage.objects.create(
        organisation=scope.organisation,
        contact=scope.contact,
        person=person,
        reply_to=person.email,
        subject=subject,
        body=body,
    )
    send_after_commit(
        compose_email(
            organisation=scope.organisation,
            to=[scope.organisation.primary_email],
            template="portal/self_service/email/customer_message",
            # For the business's staff: the language of the member at that address.
            language=language_for_staff(
                organisation=scope.organisation, email=scope.organisation.primary_email
            ),
            subject=lambda: typed.fill(
                _("[%(customer)s] %(subject)s"),
                {"customer": scope.contact.display_name, "subject": subject},
            ),
            context={"message": message, "person": person, "contact": scope.contact},
            reply_to=[person.email] if person.email else [],
        )
    )
    _log(scope=scope, action="message_sent", detail=typed.isolate(subject), origin=origin)
    _tell_business(
        scope=scope,
        kind=Kind.MESSAGED,
        key=f"message:{message.public_id}",
        text=lambda: typed.fill(
            _("%(person)s of %(customer)s sent a message: %(subject)s"),
            {
                "person": person.full_name,
                "customer": scope.contact.display_name,
                "subject": subject,
            },
        ),
    )
    return message


# --- reviews ------------------------------------------------------------------------------------


@transaction.atomic
def review_save(
    *, scope: PortalScope, rating: int, text: str, origin: Origin | None = None
) -> tuple[Review, bool]:
    """Write or rewrite the person's one review; answers (review, created)."""

    if not preferences_of(scope.organisation).allow_reviews:
        raise DomainError(_("Reviews are not open."), code="reviews_off")
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise DomainError(_("Choose from 1 to 5 stars."), code="rating", field="rating")
    text = _bounded_text(text, field="text", limit=REVIEW_MAX_LENGTH)
    person = ContactPerson.objects.select_for_update().get(
        pk=scope.person.pk, organisation=scope.organisation
    )
    review = Review.objects.filter(person=person).first()
    created = review is None
    if review is None:
        review = Review(organisation=scope.organisation, contact=scope.contact, person=person)
    review.rating, review.text = rating, text
    review.save()
    summary = f"{review.stars} {text[:200]}"
    _log(
        scope=scope,
        action="review_written" if created else "review_edited",
        detail=f"{review.stars} {typed.isolate(text[:200])}",
        origin=origin,
    )
    if created:
        _tell_business(
            scope=scope,
            kind=Kind.REVIEWED,
            key=f"review:{review.public_id}",
            text=lambda: typed.fill(
                _("%(person)s of %(customer)s wrote a review: %(summary)s"),
                {
                    "person": person.full_name,
                    "customer": scope.contact.display_name,
                    "summary": summary,
                },
            ),
        )
    return review, created
