"""Two-factor login: set-up, the code at login, recovery codes, and a staff reset."""

from __future__ import annotations

from binascii import unhexlify

import pytest
from django.test import Client
from django_otp import user_has_device
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from portico.activity import invitations
from portico.contacts.models import ContactPerson
from portico.orgs.models import Organisation
from portico.portal.views import SESSION_TOTP_KEY
from tests.portal.conftest import portal_login

pytestmark = pytest.mark.django_db


def current_code(key: str) -> str:
    totp = TOTP(unhexlify(key))
    return f"{totp.token():06d}"


def set_up(client: Client) -> tuple[str, list[str]]:
    """Turn two-factor on through the pages; returns the key and the recovery codes."""
    page = client.get("/portal/studio-a/account/two-factor")
    assert page.status_code == 200
    assert "data:image/svg+xml;base64," in page.content.decode()
    key = client.session[SESSION_TOTP_KEY]
    done = client.post("/portal/studio-a/account/two-factor", {"code": current_code(key)})
    assert done.status_code == 200
    return key, list(done.context["codes"])


def test_a_person_turns_on_two_factor_and_gets_recovery_codes(
    portal_client: Client, active_person: ContactPerson
) -> None:
    _key, codes = set_up(portal_client)

    assert len(codes) == 10
    assert user_has_device(active_person.user)
    assert portal_client.get("/portal/studio-a/").status_code == 200


def test_turning_it_on_logs_out_the_other_browsers(
    portal_client: Client, active_person: ContactPerson, password: str
) -> None:
    other = Client()
    portal_login(other, active_person.organisation, active_person.email, password)

    set_up(portal_client)

    assert other.get("/portal/studio-a/").status_code == 302
    assert portal_client.get("/portal/studio-a/").status_code == 200


def test_a_wrong_setup_code_is_refused(portal_client: Client, active_person: ContactPerson) -> None:
    portal_client.get("/portal/studio-a/account/two-factor")

    response = portal_client.post("/portal/studio-a/account/two-factor", {"code": "000000"})

    assert response.status_code == 400
    assert not user_has_device(active_person.user)


def test_after_logging_in_the_code_is_asked_before_any_page(
    portal_client: Client, active_person: ContactPerson, password: str
) -> None:
    # given two-factor is on
    key, _codes = set_up(portal_client)
    client = Client()

    # when the person logs in with their password
    portal_login(client, active_person.organisation, active_person.email, password)
    blocked = client.get("/portal/studio-a/account")

    # then pages wait for the code, and a good code lets them through to where they were going
    assert blocked.status_code == 302
    assert blocked["Location"].startswith("/portal/studio-a/login/verify")
    wrong = client.post(blocked["Location"], {"code": "123456"})
    assert wrong.status_code == 400
    # a later time step than the set-up code's, after django-otp's back-off from the wrong code
    TOTPDevice.objects.update(
        last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
    )
    right = client.post(blocked["Location"], {"code": current_code(key)})
    assert right["Location"] == "/portal/studio-a/account"
    assert client.get("/portal/studio-a/account").status_code == 200


def test_a_recovery_code_works_once(
    portal_client: Client, active_person: ContactPerson, password: str
) -> None:
    _key, codes = set_up(portal_client)

    first, second = Client(), Client()
    for client in (first, second):
        portal_login(client, active_person.organisation, active_person.email, password)

    assert first.post("/portal/studio-a/login/verify", {"code": codes[0]}).status_code == 302
    assert second.post("/portal/studio-a/login/verify", {"code": codes[0]}).status_code == 400


def test_an_organisation_can_require_two_factor(portal_client: Client, org: Organisation) -> None:
    org.portal_preferences.require_two_factor = True
    org.portal_preferences.save()

    response = portal_client.get("/portal/studio-a/invoices")

    assert response.status_code == 302
    assert response["Location"] == "/portal/studio-a/account/two-factor"
    set_up(portal_client)
    assert portal_client.get("/portal/studio-a/invoices").status_code == 200
    # and it cannot be turned off while required
    portal_client.post("/portal/studio-a/account/two-factor/off")
    assert user_has_device(ContactPerson.objects.get(email="ann@customer-a.example").user)


def test_a_person_can_turn_two_factor_off_when_not_required(
    portal_client: Client, active_person: ContactPerson
) -> None:
    set_up(portal_client)

    portal_client.post("/portal/studio-a/account/two-factor/off")

    assert not user_has_device(active_person.user)


def test_staff_reset_removes_the_second_factor_and_ends_sessions(
    portal_client: Client, active_person: ContactPerson, password: str
) -> None:
    set_up(portal_client)

    invitations.portal_two_factor_reset(person=active_person)

    assert not user_has_device(active_person.user)
    assert portal_client.get("/portal/studio-a/").status_code == 302
    client = Client()
    portal_login(client, active_person.organisation, active_person.email, password)
    assert client.get("/portal/studio-a/").status_code == 200
