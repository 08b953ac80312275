"""Logging in and out of the portal, throttling, timeouts and `next`."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from portico.accounts.models import User
from portico.contacts.models import ContactPerson, PortalSession
from portico.orgs.models import Organisation
from portico.portal.scoping import SESSION_LOGIN_AT, SESSION_SEEN_AT
from tests.portal.conftest import portal_login

pytestmark = pytest.mark.django_db


def test_the_login_page_carries_the_organisations_name_and_colour(
    client: Client, org: Organisation
) -> None:
    page = client.get("/portal/studio-a/login")
    css = client.get("/portal/studio-a/brand.css")

    assert page.status_code == 200
    assert "Studio A" in page.content.decode()
    assert "/portal/studio-a/brand.css" in page.content.decode()
    assert css["Content-Type"].startswith("text/css")
    assert org.portal_preferences.brand_colour in css.content.decode()


def test_an_unknown_organisation_is_a_404(client: Client) -> None:
    assert client.get("/portal/nobody-here/login").status_code == 404
    assert client.get("/portal/nobody-here/").status_code == 404


def test_a_person_logs_in_with_their_email_in_any_case(
    client: Client, active_person: ContactPerson, password: str
) -> None:
    response = portal_login(
        client, active_person.organisation, active_person.email.upper(), password
    )

    assert response.status_code == 302
    assert response["Location"] == "/portal/studio-a/"
    assert client.get("/portal/studio-a/").status_code == 200
    active_person.refresh_from_db()
    assert active_person.portal_last_login is not None
    assert PortalSession.objects.filter(user=active_person.user).count() == 1


def test_a_wrong_password_says_so_without_saying_which_part(
    client: Client, active_person: ContactPerson
) -> None:
    response = portal_login(client, active_person.organisation, active_person.email, "nope-nope")

    assert response.status_code == 400
    assert "email address or password is not correct" in response.content.decode()


def test_an_invited_person_cannot_log_in_before_accepting(
    client: Client, customer_a_person: ContactPerson, password: str
) -> None:
    from portico.activity import invitations

    invitations.portal_access_enable(person=customer_a_person)
    user = User.objects.get(email=customer_a_person.email)
    user.set_password(password)
    user.save()

    response = portal_login(client, customer_a_person.organisation, user.email, password)

    assert response.status_code == 400


def test_a_staff_user_cannot_use_the_portal(
    client: Client, org: Organisation, owner: User, password: str
) -> None:
    response = portal_login(client, org, owner.email, password)

    assert response.status_code == 400


def test_next_is_followed_only_inside_the_portal(
    active_person: ContactPerson, password: str
) -> None:
    org = active_person.organisation
    inside = portal_login(
        Client(), org, active_person.email, password, QUERY_STRING="next=/portal/studio-a/account"
    )
    outside = Client().post(
        "/portal/studio-a/login?next=https://evil.example/",
        {"email": active_person.email, "password": password},
    )
    scheme_relative = Client().post(
        "/portal/studio-a/login?next=//evil.example/portal/studio-a/",
        {"email": active_person.email, "password": password},
    )
    admin = Client().post(
        "/portal/studio-a/login?next=/admin/",
        {"email": active_person.email, "password": password},
    )

    assert inside["Location"] == "/portal/studio-a/account"
    assert outside["Location"] == "/portal/studio-a/"
    assert scheme_relative["Location"] == "/portal/studio-a/"
    assert admin["Location"] == "/portal/studio-a/"


def test_a_page_sends_a_visitor_to_the_login_with_next(client: Client, org: Organisation) -> None:
    response = client.get("/portal/studio-a/account")

    assert response.status_code == 302
    assert response["Location"] == "/portal/studio-a/login?next=%2Fportal%2Fstudio-a%2Faccount"


def test_logging_out_ends_the_session(portal_client: Client, active_person: ContactPerson) -> None:
    response = portal_client.post("/portal/studio-a/logout")

    assert response.status_code == 302
    assert portal_client.get("/portal/studio-a/").status_code == 302
    assert not PortalSession.objects.filter(user=active_person.user).exists()


def test_logout_needs_a_post(portal_client: Client) -> None:
    assert portal_client.get("/portal/studio-a/logout").status_code == 405


def test_an_idle_session_times_out(portal_client: Client, settings: Any) -> None:
    session = portal_client.session
    session[SESSION_SEEN_AT] = time.time() - settings.SESSION_IDLE_SECONDS - 5
    session.save()

    response = portal_client.get("/portal/studio-a/")

    assert response.status_code == 302
    assert "expired=1" in response["Location"]
    assert portal_client.get("/portal/studio-a/").status_code == 302


def test_a_session_has_an_absolute_lifetime(portal_client: Client, settings: Any) -> None:
    session = portal_client.session
    session[SESSION_LOGIN_AT] = time.time() - settings.SESSION_COOKIE_AGE - 5
    session.save()

    assert portal_client.get("/portal/studio-a/").status_code == 302


def test_session_cookies_are_httponly_and_lax(
    client: Client, active_person: ContactPerson, password: str
) -> None:
    portal_login(client, active_person.organisation, active_person.email, password)

    cookie = client.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


# --- throttling ------------------------------------------------------------------------------


def fail(email: str, ip: str = "10.0.0.1") -> Any:
    return Client(REMOTE_ADDR=ip).post(
        "/portal/studio-a/login", {"email": email, "password": "wrong-password"}
    )


def test_repeated_failures_pause_logins_for_that_email_and_address(
    active_person: ContactPerson, password: str, settings: Any
) -> None:
    # given as many failures as allowed, from one address, in varying letter case
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        email = active_person.email.upper() if attempt % 2 else active_person.email
        fail(email)

    # when the right password comes from the same address
    locked = portal_login(
        Client(REMOTE_ADDR="10.0.0.1"), active_person.organisation, active_person.email, password
    )
    # and from another address
    elsewhere = portal_login(
        Client(REMOTE_ADDR="10.0.0.2"), active_person.organisation, active_person.email, password
    )

    # then the first is paused and the second is not
    assert locked.status_code == 429
    assert "Too many login attempts" in locked.content.decode()
    assert elsewhere.status_code == 302


def test_the_pause_is_a_cool_down_not_a_permanent_lockout(
    active_person: ContactPerson, password: str, settings: Any
) -> None:
    # A minute's pause, and the clock moved past it rather than slept through (a loaded machine
    # must not end the pause before the first check).
    settings.AXES_COOLOFF_TIME = timedelta(minutes=1)
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        fail(active_person.email)
    client = Client(REMOTE_ADDR="10.0.0.1")
    assert (
        portal_login(client, active_person.organisation, active_person.email, password).status_code
        == 429
    )

    with time_machine.travel(timezone.now() + timedelta(minutes=1, seconds=1)):
        assert (
            portal_login(
                client, active_person.organisation, active_person.email, password
            ).status_code
            == 302
        )


def test_the_back_office_login_is_throttled_per_email_too(
    owner: Any, password: str, settings: Any
) -> None:
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        Client(REMOTE_ADDR="10.0.0.9").post(
            "/admin/login/", {"username": owner.email.upper(), "password": "wrong"}
        )

    other_user = Client(REMOTE_ADDR="10.0.0.9").post(
        "/admin/login/", {"username": "someone@else.example", "password": "wrong"}
    )
    locked = Client(REMOTE_ADDR="10.0.0.9").post(
        "/admin/login/", {"username": owner.email, "password": password}
    )

    assert other_user.status_code == 200
    assert locked.status_code == 429
