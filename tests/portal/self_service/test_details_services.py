"""person_details_update and the login email change."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from portico.accounts.models import User
from portico.activity import self_service as services
from portico.activity.models import ActivityLog, Notification
from portico.contacts import portal_tokens as tokens
from portico.contacts.models import ContactPerson, PortalToken
from portico.contacts.scope import PortalScope
from portico.core.errors import DomainError
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db
Purpose = PortalToken.Purpose


def values(scope: PortalScope, **changes: str) -> dict[str, str]:
    person = scope.person
    return {field: getattr(person, field) for field in services.PERSON_FIELDS} | changes


def test_it_saves_the_persons_details_and_tells_the_business_old_and_new(
    scope: PortalScope,
) -> None:
    # given a person with a phone number
    ContactPerson.objects.filter(pk=scope.person.pk).update(phone="111")
    scope.person.phone = "111"

    # when they change phone and designation
    changes = services.person_details_update(
        scope=scope, values=values(scope, phone="222", designation="Buyer")
    )

    # then the row, the notification and the activity log say so
    person = ContactPerson.objects.get(pk=scope.person.pk)
    assert (person.phone, person.designation) == ("222", "Buyer")
    assert {change.field for change in changes} == {"phone", "designation"}
    notification = Notification.objects.get(kind=Notification.Kind.DETAILS_UPDATED)
    assert "Phone: \u2068111\u2069 → \u2068222\u2069" in notification.text
    assert notification.contact == scope.contact
    assert ActivityLog.objects.filter(action="details_updated", person=person).exists()


def test_nothing_changed_means_no_notification(scope: PortalScope) -> None:
    assert services.person_details_update(scope=scope, values=values(scope)) == []
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("first_name", ""),
        ("first_name", "x" * 101),
        ("phone", "1" * 51),
        ("language", "xx"),
        ("designation", "two\nlines"),
    ],
)
def test_bad_input_is_a_field_error_and_nothing_is_saved(
    scope: PortalScope, field: str, value: str
) -> None:
    before = ContactPerson.objects.values().get(pk=scope.person.pk)
    with pytest.raises(DomainError) as raised:
        services.person_details_update(
            scope=scope, values=values(scope, last_name="Changed", **{field: value})
        )
    assert raised.value.field == field
    assert ContactPerson.objects.values().get(pk=scope.person.pk) == before


def request_change(scope: PortalScope, password: str, new_email: str, capture: Any) -> str:
    with capture(execute=True):
        services.email_change_request(scope=scope, current_password=password, new_email=new_email)
    confirm = next(m for m in mail.outbox if m.to == [new_email.lower()])
    return confirm.body.split("/account/email/confirm/")[1].split()[0]


def test_an_email_change_waits_for_the_link_sent_to_the_new_address(
    scope: PortalScope, password: str, django_capture_on_commit_callbacks: Any
) -> None:
    old = scope.person.email

    secret = request_change(
        scope, password, "New.Address@Example.com", django_capture_on_commit_callbacks
    )

    # the old address got a notice, and nothing changed yet
    notice = next(m for m in mail.outbox if m.to == [old])
    assert "new.address@example.com" in notice.body
    assert ContactPerson.objects.get(pk=scope.person.pk).email == old
    assert User.objects.get(pk=scope.person.user_id).email == old

    # when the link is opened, the new address is the login
    with django_capture_on_commit_callbacks(execute=True):
        services.email_change_confirm(organisation=scope.organisation, secret=secret)
    assert ContactPerson.objects.get(pk=scope.person.pk).email == "new.address@example.com"
    assert User.objects.get(pk=scope.person.user_id).email == "new.address@example.com"
    assert Notification.objects.filter(kind=Notification.Kind.DETAILS_UPDATED).exists()


def test_confirming_revokes_open_reset_and_invitation_links(
    scope: PortalScope, password: str, django_capture_on_commit_callbacks: Any
) -> None:
    tokens.token_issue(person=scope.person, purpose=Purpose.PASSWORD_RESET)
    tokens.token_issue(person=scope.person, purpose=Purpose.INVITATION)
    secret = request_change(scope, password, "new@example.com", django_capture_on_commit_callbacks)

    services.email_change_confirm(organisation=scope.organisation, secret=secret)

    assert not PortalToken.objects.open().filter(person=scope.person).exists()


def test_the_link_works_once(
    scope: PortalScope, password: str, django_capture_on_commit_callbacks: Any
) -> None:
    secret = request_change(scope, password, "new@example.com", django_capture_on_commit_callbacks)
    services.email_change_confirm(organisation=scope.organisation, secret=secret)

    with pytest.raises(tokens.TokenRejected) as raised:
        services.email_change_confirm(organisation=scope.organisation, secret=secret)
    assert raised.value.problem == tokens.TokenProblem.USED


def test_an_expired_link_changes_nothing(
    scope: PortalScope, password: str, django_capture_on_commit_callbacks: Any
) -> None:
    secret = request_change(scope, password, "new@example.com", django_capture_on_commit_callbacks)
    PortalToken.objects.filter(purpose=Purpose.EMAIL_CHANGE).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    with pytest.raises(tokens.TokenRejected):
        services.email_change_confirm(organisation=scope.organisation, secret=secret)
    assert ContactPerson.objects.get(pk=scope.person.pk).email != "new@example.com"


def test_another_organisations_portal_refuses_the_link(
    scope: PortalScope,
    password: str,
    other_org: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    secret = request_change(scope, password, "new@example.com", django_capture_on_commit_callbacks)
    with pytest.raises(tokens.TokenRejected) as raised:
        services.email_change_confirm(organisation=other_org, secret=secret)
    assert raised.value.problem == tokens.TokenProblem.FOREIGN


@pytest.mark.parametrize(
    ("password_ok", "new_email", "field"),
    [
        (False, "new@example.com", "current_password"),
        (True, "not-an-email", "new_email"),
        (True, "taken@example.com", "new_email"),
        (True, "a@example.com\r\nBcc: x@example.com", "new_email"),
    ],
)
def test_an_email_change_is_refused_with_a_field_error(
    scope: PortalScope, password: str, password_ok: bool, new_email: str, field: str
) -> None:
    UserFactory(email="taken@example.com")
    with pytest.raises(DomainError) as raised:
        services.email_change_request(
            scope=scope,
            current_password=password if password_ok else "wrong",
            new_email=new_email,
        )
    assert raised.value.field == field
    assert not PortalToken.objects.filter(purpose=Purpose.EMAIL_CHANGE).exists()
    assert mail.outbox == []
