"""First run: `portico setup` and `portico org create` make a business without a shell."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from portico.accounts.models import Membership
from portico.orgs.models import Organisation, Tax

pytestmark = pytest.mark.django_db

OPTIONS = {
    "name": "Acme Studio",
    "slug": "acme",
    "currency": "EUR",
    "country": "DE",
    "time_zone": "Europe/Berlin",
    "tax_name": "VAT",
    "tax_rate": "19",
    "owner_email": "Owner@Acme.test",
    "owner_name": "Olga Owner",
    "password": "a long owner passphrase",
    "interactive": False,
}


def test_setup_creates_the_business_its_default_tax_and_its_owner_who_can_sign_in() -> None:
    out = StringIO()

    call_command("setup", stdout=out, **OPTIONS)

    organisation = Organisation.objects.get(slug="acme")
    assert (organisation.base_currency, organisation.timezone) == ("EUR", "Europe/Berlin")
    assert str(organisation.country) == "DE"
    tax = Tax.objects.get(organisation=organisation)
    assert (tax.name, tax.rate, tax.is_default) == ("VAT", Decimal("19"), True)
    membership = Membership.objects.get(organisation=organisation)
    assert (membership.user.email, membership.role) == ("owner@acme.test", "owner")
    assert "Created Acme Studio (portal /portal/acme/)" in out.getvalue()
    client = Client()
    signed_in = client.post(
        "/admin/login/?next=/admin/",
        {"username": "owner@acme.test", "password": OPTIONS["password"]},
        follow=True,
    )
    assert signed_in.status_code == 200
    assert signed_in.wsgi_request.user.is_authenticated


def test_setup_runs_once_then_org_create_adds_more_and_refuses_a_taken_slug() -> None:
    call_command("setup", stdout=StringIO(), **OPTIONS)

    with pytest.raises(CommandError, match="already set up"):
        call_command("setup", stdout=StringIO(), **{**OPTIONS, "slug": "other"})
    call_command(
        "org", "create", stdout=StringIO(), **{**OPTIONS, "slug": "acme-two", "name": "Two"}
    )
    with pytest.raises(CommandError, match=r"slug: .*already exists"):
        call_command("org", "create", stdout=StringIO(), **OPTIONS)

    assert Organisation.objects.count() == 2
    assert Membership.objects.filter(user__email="owner@acme.test").count() == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"time_zone": "Mars/Olympus"}, "time-zone: 'Mars/Olympus' is not a time zone"),
        ({"tax_rate": "120"}, "tax-rate: A tax rate is a number between 0 and 100."),
        ({"slug": "Not A Slug"}, "slug: Use 1–50 lower-case letters"),
        ({"currency": "ZZZ"}, "base-currency:"),
        ({"owner_email": "not-an-email"}, "email"),
        ({"password": "short"}, "too short"),
        ({"password": None}, "--password or PORTICO_OWNER_PASSWORD"),
        ({"name": None}, "--name is required"),
    ],
)
def test_bad_values_are_refused_clearly_and_nothing_is_written(
    change: dict[str, object], message: str
) -> None:
    with pytest.raises(CommandError) as raised:
        call_command("setup", stdout=StringIO(), **{**OPTIONS, **change})

    assert message in str(raised.value)
    assert not Organisation.objects.exists()
    assert not Membership.objects.exists()
