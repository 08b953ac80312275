"""Staff sign-in: the second factor after the password, the owner's reset, the idle timeout."""

from __future__ import annotations

import datetime
from binascii import unhexlify

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp import user_has_device
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from portico.accounts import two_factor
from portico.accounts.models import Membership, User
from portico.backoffice.views.two_factor import SESSION_KEY
from portico.orgs.models import Organisation

pytestmark = pytest.mark.django_db

ADMIN = "/admin/"
SETUP = "/admin/two-factor/setup/"
VERIFY = "/admin/two-factor/verify/"


def code_for(key: str, *, step: int = 0) -> str:
    totp = TOTP(unhexlify(key))
    totp.time += step * 30
    return f"{totp.token():06d}"


def sign_in(client: Client, user: User, password: str) -> None:
    response = client.post(
        reverse("admin:login"), {"username": user.email, "password": password, "next": ADMIN}
    )
    assert response.status_code == 302, response.content[:500]


def with_device(user: User) -> str:
    key = two_factor.new_key()
    two_factor.two_factor_enable(user=user, key=key)
    return key


@pytest.fixture
def strict_org(org: Organisation) -> Organisation:
    org.require_staff_two_factor = True
    org.save(update_fields=["require_staff_two_factor"])
    return org


# --- the second factor ----------------------------------------------------------------------


def test_without_a_device_or_a_requirement_the_password_is_enough(
    owner: User, password: str
) -> None:
    client = Client()
    sign_in(client, owner, password)
    assert client.get(ADMIN).status_code == 200


def test_when_the_organisation_requires_it_a_member_is_sent_to_set_up_a_device(
    strict_org: Organisation, teammate: User, password: str
) -> None:
    client = Client()
    sign_in(client, teammate, password)

    response = client.get("/admin/contacts/contact/")

    assert response.status_code == 302
    assert response["Location"].startswith(SETUP)
    # every staff page is closed, the document pages too
    statement = "/backoffice/documents/statement/00000000-0000-0000-0000-000000000000/print"
    assert client.get(statement).status_code == 302


def test_setting_up_a_device_shows_a_qr_code_then_recovery_codes_and_opens_the_back_office(
    strict_org: Organisation, teammate: User, password: str
) -> None:
    client = Client()
    sign_in(client, teammate, password)

    # given the set-up page with its QR code
    page = client.get(SETUP)
    assert page.status_code == 200
    assert "data:image/svg+xml;base64," in page.content.decode()
    key = client.session[SESSION_KEY]

    # when the member types the app's code
    done = client.post(SETUP, {"code": code_for(key)})

    # then two-factor is on, recovery codes are shown once, and the back office opens
    assert done.status_code == 200
    assert len(done.context["codes"]) == 10
    assert TOTPDevice.objects.filter(user=teammate, confirmed=True).count() == 1
    assert client.get(ADMIN).status_code == 200


def test_a_wrong_set_up_code_is_refused(
    strict_org: Organisation, teammate: User, password: str
) -> None:
    client = Client()
    sign_in(client, teammate, password)
    client.get(SETUP)
    key = client.session[SESSION_KEY]

    response = client.post(SETUP, {"code": code_for(key, step=20)})

    assert response.status_code == 400
    assert not user_has_device(teammate)
    assert client.get(ADMIN).status_code == 302


def test_a_member_with_a_device_gives_a_code_after_the_password_on_every_sign_in(
    owner: User, password: str
) -> None:
    key = with_device(owner)
    client = Client()
    sign_in(client, owner, password)

    # the password alone opens nothing
    response = client.get("/admin/sales/invoice/")
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)

    # the code does, and goes on to the page asked for
    verified = client.post(f"{VERIFY}?next=/admin/sales/invoice/", {"code": code_for(key)})
    assert verified.status_code == 302
    assert verified["Location"] == "/admin/sales/invoice/"
    assert client.get("/admin/sales/invoice/").status_code == 200

    # and a new sign-in asks again
    again = Client()
    sign_in(again, owner, password)
    assert again.get(ADMIN)["Location"].startswith(VERIFY)


def test_a_wrong_code_is_refused(owner: User, password: str) -> None:
    key = with_device(owner)
    client = Client()
    sign_in(client, owner, password)

    response = client.post(VERIFY, {"code": code_for(key, step=20)})

    assert response.status_code == 400
    assert "not correct" in response.content.decode()
    assert client.get(ADMIN).status_code == 302


def test_a_recovery_code_works_once(owner: User, password: str) -> None:
    _device, codes = two_factor.two_factor_enable(user=owner, key=two_factor.new_key())
    first = Client()
    sign_in(first, owner, password)
    assert first.post(VERIFY, {"code": codes[0]}).status_code == 302
    assert first.get(ADMIN).status_code == 200

    second = Client()
    sign_in(second, owner, password)
    assert second.post(VERIFY, {"code": codes[0]}).status_code == 400


def test_the_next_address_never_leaves_the_site(owner: User, password: str) -> None:
    key = with_device(owner)
    client = Client()
    sign_in(client, owner, password)

    response = client.post(f"{VERIFY}?next=https://evil.example/", {"code": code_for(key)})

    assert response["Location"] == ADMIN


# --- the owner resets a teammate's device ------------------------------------------------------


def reset_action(client: Client, membership: Membership) -> object:
    return client.post(
        reverse("admin:accounts_membership_changelist"),
        {"action": "reset_two_factor", "_selected_action": [membership.pk]},
    )


def verified_client(user: User, password: str) -> Client:
    key = with_device(user)
    client = Client()
    sign_in(client, user, password)
    assert client.post(VERIFY, {"code": code_for(key)}).status_code == 302
    return client


def test_the_owner_resets_a_teammates_device_and_the_teammate_sets_up_a_new_one(
    strict_org: Organisation, owner: User, teammate: User, password: str
) -> None:
    owner_client = verified_client(owner, password)
    teammate_client = verified_client(teammate, password)
    assert teammate_client.get(ADMIN).status_code == 200

    # when the owner resets the teammate's two-factor (a lost phone)
    response = reset_action(owner_client, Membership.objects.get(user=teammate))

    # then the device is gone and the teammate's session must set up a new one
    assert response.status_code == 302
    assert not user_has_device(teammate)
    assert user_has_device(owner)
    follow = teammate_client.get(ADMIN)
    assert follow.status_code == 302
    assert teammate_client.get(follow["Location"])["Location"].startswith(SETUP)


@pytest.mark.parametrize("role", [Membership.Role.ADMIN, Membership.Role.STAFF])
def test_only_the_owner_may_reset_a_device(
    org: Organisation, owner: User, role: str, password: str
) -> None:
    with_device(owner)
    member = Membership.objects.create(
        organisation=org,
        role=role,
        user=User.objects.create_user("member@studio-a.example", password, is_staff=True),
    )
    client = Client()
    client.force_login(member.user)

    changelist = client.get(reverse("admin:accounts_membership_changelist"))
    response = reset_action(client, Membership.objects.get(user=owner))

    assert "reset_two_factor" not in changelist.content.decode()
    assert response.status_code in {200, 302, 403}
    assert user_has_device(owner)


def test_an_owner_cannot_reset_a_device_of_another_organisations_member(
    owner_client: Client, outsider: User
) -> None:
    with_device(outsider)

    reset_action(owner_client, Membership.objects.get(user=outsider))

    assert user_has_device(outsider)


# --- idle timeout ----------------------------------------------------------------------------


def test_a_back_office_session_ends_after_the_idle_timeout(
    owner: User, password: str, settings: object
) -> None:
    settings.STAFF_IDLE_SECONDS = 30 * 60  # type: ignore[attr-defined]
    start = datetime.datetime(2030, 1, 7, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        client = Client()
        sign_in(client, owner, password)
        assert client.get(ADMIN).status_code == 200

        # activity within the window keeps the session
        clock.shift(datetime.timedelta(minutes=29))
        assert client.get(ADMIN).status_code == 200
        clock.shift(datetime.timedelta(minutes=29))
        assert client.get(ADMIN).status_code == 200

        # half an hour without a request ends it
        clock.shift(datetime.timedelta(minutes=31))
        response = client.get("/admin/contacts/contact/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert "_auth_user_id" not in client.session
    assert client.get(ADMIN).status_code == 302


# --- turning it on without being asked ------------------------------------------------------


def test_a_member_may_turn_on_two_factor_from_the_account_menu(
    owner_client: Client, owner: User
) -> None:
    index = owner_client.get(ADMIN)
    assert SETUP in index.content.decode()

    owner_client.get(SETUP)
    key = owner_client.session[SESSION_KEY]
    assert owner_client.post(SETUP, {"code": code_for(key)}).status_code == 200

    # once on, the set-up page says so instead of replacing the device
    again = owner_client.get(SETUP, follow=True)
    assert "already on" in again.content.decode()
    assert TOTPDevice.objects.filter(user=owner).count() == 1
