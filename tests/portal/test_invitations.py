"""Invitation and password-reset links: every way a link can be good or bad."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from portico.activity import invitations
from portico.contacts.models import ContactPerson, PortalToken
from portico.orgs.models import Organisation
from tests.portal.conftest import link_in_last_email, portal_login

pytestmark = pytest.mark.django_db
Status = ContactPerson.PortalStatus
NEW_PASSWORD = "a-brand-new-passphrase-42"


def invite(person: ContactPerson, capture: object) -> str:
    with capture(execute=True):  # type: ignore[operator]
        invitations.portal_access_enable(person=person)
    return link_in_last_email("/invitation/")


def accept(client: Client, link: str, password: str = NEW_PASSWORD) -> object:
    return client.post(link, {"new_password1": password, "new_password2": password})


def test_an_invitation_is_emailed_with_the_organisation_name_and_a_link(
    customer_a_person: ContactPerson, django_capture_on_commit_callbacks: object
) -> None:
    link = invite(customer_a_person, django_capture_on_commit_callbacks)

    message = mail.outbox[-1]
    assert message.to == [customer_a_person.email]
    assert "Studio A" in message.subject
    assert "Studio A" in message.alternatives[0][0]  # type: ignore[attr-defined]
    assert link.startswith("/portal/studio-a/invitation/")
    customer_a_person.refresh_from_db()
    assert customer_a_person.portal_status == Status.INVITED


def test_only_a_hash_of_the_token_is_stored(
    customer_a_person: ContactPerson, django_capture_on_commit_callbacks: object
) -> None:
    link = invite(customer_a_person, django_capture_on_commit_callbacks)
    secret = link.rsplit("/", 1)[1]

    token = PortalToken.objects.get(person=customer_a_person)
    assert len(secret) >= 22  # ≥ 128 bits in URL-safe base64
    assert secret not in token.token_hash
    assert token.organisation_id == customer_a_person.organisation_id
    assert token.purpose == PortalToken.Purpose.INVITATION


def test_accepting_sets_the_password_logs_in_and_opens_home(
    client: Client, customer_a_person: ContactPerson, django_capture_on_commit_callbacks: object
) -> None:
    link = invite(customer_a_person, django_capture_on_commit_callbacks)

    page = client.get(link)
    assert page.status_code == 200
    assert customer_a_person.email in page.content.decode()
    response = accept(client, link)

    assert response.status_code == 302
    assert response["Location"] == "/portal/studio-a/"
    customer_a_person.refresh_from_db()
    assert customer_a_person.portal_status == Status.ACTIVE
    assert customer_a_person.user.check_password(NEW_PASSWORD)
    assert client.get("/portal/studio-a/").status_code == 200


def test_a_weak_password_is_refused_with_the_reason(
    client: Client, customer_a_person: ContactPerson, django_capture_on_commit_callbacks: object
) -> None:
    link = invite(customer_a_person, django_capture_on_commit_callbacks)

    response = accept(client, link, "12345678")

    assert response.status_code == 400
    assert "aria-invalid" in response.content.decode()
    customer_a_person.refresh_from_db()
    assert customer_a_person.portal_status == Status.INVITED


def test_a_used_invitation_says_so_and_offers_a_new_one(
    client: Client, customer_a_person: ContactPerson, django_capture_on_commit_callbacks: object
) -> None:
    link = invite(customer_a_person, django_capture_on_commit_callbacks)
    accept(client, link)

    response = Client().get(link)

    assert response.status_code == 410
    assert "already used" in response.content.decode()
    assert "Send me a new invitation" in response.content.decode()


def test_an_expired_invitation_sends_a_new_one_once(
    client: Client, customer_a_person: ContactPerson, django_capture_on_commit_callbacks: object
) -> None:
    # given an invitation past its expiry
    link = invite(customer_a_person, django_capture_on_commit_callbacks)
    PortalToken.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    secret = link.rsplit("/", 1)[1]

    # when the person opens it and asks for a new one
    page = client.get(link)
    sent_before = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        client.post(f"/portal/studio-a/links/{secret}/renew")

    # then the page said expired, and exactly one new invitation went to the person
    assert page.status_code == 410
    assert "expired" in page.content.decode()
    assert len(mail.outbox) == sent_before + 1
    assert mail.outbox[-1].to == [customer_a_person.email]
    new_link = link_in_last_email("/invitation/")
    assert new_link != link
    assert client.get(new_link).status_code == 200
    # and the old link cannot ask again
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        client.post(f"/portal/studio-a/links/{secret}/renew")
    assert len(mail.outbox) == sent_before + 1
    assert client.get(link).status_code == 410


def test_a_tampered_invitation_is_not_valid(
    client: Client, customer_a_person: ContactPerson, django_capture_on_commit_callbacks: object
) -> None:
    link = invite(customer_a_person, django_capture_on_commit_callbacks)
    tampered = link[:-3] + ("aaa" if not link.endswith("aaa") else "bbb")

    response = client.get(tampered)

    assert response.status_code == 404
    assert "not valid" in response.content.decode()
    assert "Send me a new invitation" not in response.content.decode()


def test_another_organisations_invitation_is_foreign_here(
    client: Client,
    org: Organisation,
    other_org: Organisation,
    other_org_person: ContactPerson,
    django_capture_on_commit_callbacks: object,
) -> None:
    link = invite(other_org_person, django_capture_on_commit_callbacks)
    secret = link.rsplit("/", 1)[1]

    response = client.get(f"/portal/studio-a/invitation/{secret}")

    assert response.status_code == 404
    assert "not for this portal" in response.content.decode()
    assert accept(client, f"/portal/studio-a/invitation/{secret}").status_code == 404  # type: ignore[attr-defined]
    other_org_person.refresh_from_db()
    assert other_org_person.portal_status == Status.INVITED


def test_a_reset_link_does_not_work_as_an_invitation(
    client: Client,
    active_person: ContactPerson,
    django_capture_on_commit_callbacks: object,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        client.post("/portal/studio-a/password/forgot", {"email": active_person.email})
    secret = link_in_last_email("/password/reset/").rsplit("/", 1)[1]

    response = client.get(f"/portal/studio-a/invitation/{secret}")

    assert response.status_code == 404
    assert "not for this portal" in response.content.decode()


def test_reinviting_makes_the_older_invitation_stop_working(
    client: Client, customer_a_person: ContactPerson, django_capture_on_commit_callbacks: object
) -> None:
    old = invite(customer_a_person, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        invitations.portal_access_reinvite(person=customer_a_person)
    new = link_in_last_email("/invitation/")

    assert client.get(old).status_code == 410
    assert "newer link" in client.get(old).content.decode()
    assert client.get(new).status_code == 200


def test_a_disabled_persons_invitation_stops_working(
    client: Client, customer_a_person: ContactPerson, django_capture_on_commit_callbacks: object
) -> None:
    link = invite(customer_a_person, django_capture_on_commit_callbacks)

    invitations.portal_access_disable(person=customer_a_person)

    assert client.get(link).status_code == 410


# --- password reset --------------------------------------------------------------------------


def test_forgot_password_answers_the_same_for_unknown_and_known_addresses(
    client: Client, active_person: ContactPerson, django_capture_on_commit_callbacks: object
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        known = client.post("/portal/studio-a/password/forgot", {"email": active_person.email})
        unknown = client.post("/portal/studio-a/password/forgot", {"email": "nobody@x.example"})

    assert known.status_code == unknown.status_code == 200
    page = "portal/password_forgot_sent.html"
    assert page in [t.name for t in known.templates]
    assert page in [t.name for t in unknown.templates]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [active_person.email]


def test_a_reset_link_sets_a_new_password_once_and_ends_sessions(
    portal_client: Client, active_person: ContactPerson, django_capture_on_commit_callbacks: object
) -> None:
    # given a logged-in browser and a reset link
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        client.post("/portal/studio-a/password/forgot", {"email": active_person.email.upper()})
    link = link_in_last_email("/password/reset/")

    # when the link is used
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = accept(client, link)

    # then the password changed, the other browser is logged out, and the link is spent
    assert response.status_code == 302  # type: ignore[attr-defined]
    active_person.user.refresh_from_db()
    assert active_person.user.check_password(NEW_PASSWORD)
    assert portal_client.get("/portal/studio-a/").status_code == 302
    assert client.get(link).status_code == 410
    assert "changed" in mail.outbox[-1].subject


def test_a_reset_link_expires_within_an_hour(
    client: Client, active_person: ContactPerson, django_capture_on_commit_callbacks: object
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        client.post("/portal/studio-a/password/forgot", {"email": active_person.email})
    token = PortalToken.objects.get(purpose=PortalToken.Purpose.PASSWORD_RESET)
    assert token.expires_at <= timezone.now() + timedelta(hours=1)

    PortalToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    response = client.get(link_in_last_email("/password/reset/"))
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_a_new_password_works_for_logging_in(
    client: Client, active_person: ContactPerson, django_capture_on_commit_callbacks: object
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        client.post("/portal/studio-a/password/forgot", {"email": active_person.email})
    accept(client, link_in_last_email("/password/reset/"))

    response = portal_login(Client(), active_person.organisation, active_person.email, NEW_PASSWORD)

    assert response.status_code == 302
