"""Where you are logged in: listing and ending sessions; they end on disable and password change."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone

from portico.activity import invitations
from portico.contacts.models import ContactPerson, PortalSession
from tests.portal.conftest import portal_login

pytestmark = pytest.mark.django_db


def second_browser(person: ContactPerson, password: str) -> Client:
    client = Client(HTTP_USER_AGENT="Other browser/1.0", REMOTE_ADDR="192.0.2.7")
    assert portal_login(client, person.organisation, person.email, password).status_code == 302
    return client


def test_the_account_page_lists_the_sessions(
    portal_client: Client, active_person: ContactPerson, password: str
) -> None:
    second_browser(active_person, password)

    page = portal_client.get("/portal/studio-a/account").content.decode()

    assert "Other browser/1.0" in page  # the full agent, in the title
    assert (
        "Firefox · Windows"
        in PortalSession(
            user_agent="Mozilla/5.0 (Windows NT 10.0; Win64; x64) Gecko/20100101 Firefox/120.0"
        ).device
    )
    assert "192.0.2.7" in page
    assert "this browser" in page


def test_the_account_page_leaves_out_sessions_past_their_timeouts(
    portal_client: Client, active_person: ContactPerson, password: str
) -> None:
    # given two other browsers, one idle for longer than the timeout and one signed in for
    # longer than a session may last
    second_browser(active_person, password)
    now = timezone.now()
    idle = PortalSession.objects.get(user_agent="Other browser/1.0")
    PortalSession.objects.filter(pk=idle.pk).update(
        last_seen_at=now - datetime.timedelta(seconds=settings.SESSION_IDLE_SECONDS + 60)
    )
    old = second_browser(active_person, password)
    PortalSession.objects.filter(session_key=old.session.session_key).update(
        user_agent="Old browser/1.0",
        created_at=now - datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + 60),
    )

    # when the person opens the account page
    page = portal_client.get("/portal/studio-a/account").content.decode()

    # then only the browser in use is listed: the others are logged out at their next request
    assert "this browser" in page
    assert "Other browser/1.0" not in page and "Old browser/1.0" not in page
    assert page.count('class="list-group-item') == 1


def test_ending_another_session_logs_that_browser_out(
    portal_client: Client, active_person: ContactPerson, password: str
) -> None:
    other = second_browser(active_person, password)
    session = PortalSession.objects.get(user_agent="Other browser/1.0")

    response = portal_client.post(f"/portal/studio-a/account/sessions/{session.public_id}/end")

    assert response.status_code == 302
    assert other.get("/portal/studio-a/").status_code == 302
    assert portal_client.get("/portal/studio-a/").status_code == 200


def test_ending_all_other_sessions_keeps_this_one(
    portal_client: Client, active_person: ContactPerson, password: str
) -> None:
    others = [second_browser(active_person, password) for _ in range(2)]

    portal_client.post("/portal/studio-a/account/sessions/end-others")

    assert all(o.get("/portal/studio-a/").status_code == 302 for o in others)
    assert portal_client.get("/portal/studio-a/").status_code == 200
    assert PortalSession.objects.count() == 1


def test_someone_elses_session_is_a_404(
    portal_client: Client, customer_b_person: ContactPerson, password: str
) -> None:
    invitations.portal_access_enable(person=customer_b_person, password=password)
    other = second_browser(customer_b_person, password)
    session = PortalSession.objects.get(user=customer_b_person.user)

    response = portal_client.post(f"/portal/studio-a/account/sessions/{session.public_id}/end")
    missing = portal_client.post(f"/portal/studio-a/account/sessions/{uuid.uuid4()}/end")

    assert response.status_code == missing.status_code == 404
    assert other.get("/portal/studio-a/").status_code == 200


def test_disabling_a_person_ends_their_sessions_at_once(
    portal_client: Client, active_person: ContactPerson, password: str
) -> None:
    other = second_browser(active_person, password)

    invitations.portal_access_disable(person=active_person)

    for client in (portal_client, other):
        response = client.get("/portal/studio-a/")
        assert response.status_code == 302
        assert "/login" in response["Location"]
    assert not PortalSession.objects.exists()


def test_re_enabling_a_disabled_person_invites_them_again(
    active_person: ContactPerson, django_capture_on_commit_callbacks: object
) -> None:
    invitations.portal_access_disable(person=active_person)

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        invitations.portal_access_enable(person=active_person)

    active_person.refresh_from_db()
    assert active_person.portal_status == ContactPerson.PortalStatus.INVITED
    assert "/invitation/" in mail.outbox[-1].body


def test_changing_the_password_ends_the_other_sessions_and_sends_a_notice(
    portal_client: Client,
    active_person: ContactPerson,
    password: str,
    django_capture_on_commit_callbacks: object,
) -> None:
    other = second_browser(active_person, password)

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = portal_client.post(
            "/portal/studio-a/account/password",
            {
                "current": password,
                "new_password1": "another-long-passphrase-7",
                "new_password2": "another-long-passphrase-7",
            },
        )

    assert response.status_code == 302
    assert portal_client.get("/portal/studio-a/account").status_code == 200
    assert other.get("/portal/studio-a/").status_code == 302
    assert mail.outbox[-1].to == [active_person.email]
    assert "password was changed" in mail.outbox[-1].subject


def test_changing_the_password_needs_the_current_one(
    portal_client: Client, active_person: ContactPerson, password: str
) -> None:
    response = portal_client.post(
        "/portal/studio-a/account/password",
        {
            "current": "not-it",
            "new_password1": "another-long-passphrase-7",
            "new_password2": "another-long-passphrase-7",
        },
    )

    assert response.status_code == 400
    assert "current password is not correct" in response.content.decode()
    active_person.user.refresh_from_db()
    assert active_person.user.check_password(password)
