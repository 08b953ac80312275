"""The admin site's own pages (index, password, two-factor, …) open only for members of an
organisation, and the two-factor pages act on the signed-in member alone."""

from __future__ import annotations

from binascii import unhexlify

import pytest
from django.test import Client
from django.urls import URLPattern, reverse
from django_otp import user_has_device
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from portico.accounts import two_factor
from portico.accounts.models import User
from portico.backoffice.sites import site
from portico.backoffice.views.two_factor import SESSION_KEY
from portico.contacts.models import ContactPerson

pytestmark = pytest.mark.django_db

OPEN_TO_ALL = {"login"}
SITE_PAGES = [
    pattern.name
    for pattern in site.get_urls()
    if isinstance(pattern, URLPattern)
    and pattern.name
    and not pattern.pattern.regex.groupindex
    and pattern.name not in OPEN_TO_ALL
]


def test_the_walk_finds_the_two_factor_pages() -> None:
    assert {"two_factor_setup", "two_factor_verify", "index", "password_change"} <= set(SITE_PAGES)


@pytest.mark.parametrize("name", SITE_PAGES)
def test_a_visitor_is_sent_to_sign_in(name: str) -> None:
    response = Client().get(reverse(f"admin:{name}"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("name", ["two_factor_setup", "two_factor_verify"])
def test_a_portal_customer_is_sent_to_sign_in(
    name: str, customer_a_person: ContactPerson, password: str
) -> None:
    user = User.objects.create_user("ann.portal@customer-a.example", password)
    client = Client()
    client.force_login(user)

    response = client.get(reverse(f"admin:{name}"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_setting_up_two_factor_touches_only_the_signed_in_member(
    owner_client: Client, owner: User, outsider: User, teammate: User
) -> None:
    outsiders_device = two_factor.two_factor_enable(user=outsider, key=two_factor.new_key())[0]
    owner_client.get(reverse("admin:two_factor_setup"))
    key = owner_client.session[SESSION_KEY]
    code = f"{TOTP(unhexlify(key)).token():06d}"

    response = owner_client.post(reverse("admin:two_factor_setup"), {"code": code})

    assert response.status_code == 200
    assert user_has_device(owner)
    assert TOTPDevice.objects.filter(pk=outsiders_device.pk).exists()
    assert not user_has_device(teammate)
