"""The organisation's language and time zone are choices, and its time zone is the current
one on its staff pages and its portal, so every "today" is the business's today."""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portico.contacts.models import Contact, ContactPerson
from portico.core.timezones import zone_of
from portico.documents.forms import PeriodForm
from portico.orgs.models import Organisation
from portico.portal import selectors as portal_selectors
from tests.portal.conftest import enable_with_password, portal_login
from tests.sales import factories as make

pytestmark = pytest.mark.django_db

# 12:00 UTC on 15 June is already 16 June at UTC+14 (Kiritimati).
NOON_UTC = datetime.datetime(2026, 6, 15, 12, tzinfo=datetime.UTC)
FAR_EAST = "Pacific/Kiritimati"


def test_the_time_zone_and_language_are_choices(org: Organisation) -> None:
    field = Organisation._meta.get_field("timezone")
    zones = {value for value, _label in field.choices}  # type: ignore[union-attr]
    assert "Europe/Berlin" in zones and zones == zoneinfo.available_timezones()
    languages = Organisation._meta.get_field("language").choices
    assert ("en", "English") in languages  # type: ignore[operator]


@pytest.mark.parametrize(
    ("field", "value"), [("timezone", "Mars/Olympus"), ("timezone", "berlin"), ("language", "xx")]
)
def test_free_text_is_refused(org: Organisation, field: str, value: str) -> None:
    setattr(org, field, value)
    with pytest.raises(ValidationError) as refused:
        org.full_clean()
    assert field in refused.value.message_dict


def test_a_historical_currency_is_refused_as_base_currency(org: Organisation) -> None:
    org.base_currency = "DEM"
    with pytest.raises(ValidationError) as refused:
        org.full_clean()
    assert "base_currency" in refused.value.message_dict


def overdue_tomorrow_at_utc(contact: Contact) -> Any:
    """An invoice due on 15 June: overdue only where 16 June has begun."""
    return make.invoice(
        contact, issue_date=datetime.date(2026, 6, 1), due_date=datetime.date(2026, 6, 15)
    )


def test_staff_pages_count_today_in_the_organisations_time_zone(
    owner_client: Client, org: Organisation, customer_a: Contact, time_machine: Any
) -> None:
    # given it is 15 June in UTC and 16 June in the organisation's zone
    time_machine.move_to(NOON_UTC)
    invoice = overdue_tomorrow_at_utc(customer_a)
    overdue_list = reverse("admin:sales_invoice_changelist") + "?overdue=yes"

    # when the organisation works in UTC, the invoice is due today, not overdue
    utc = owner_client.get(overdue_list).context["cl"].result_list
    org.timezone = FAR_EAST
    org.save()
    far_east = owner_client.get(overdue_list).context["cl"].result_list

    # then at UTC+14 it is overdue
    assert invoice not in list(utc)
    assert invoice in list(far_east)


def test_portal_pages_count_today_in_the_organisations_time_zone(
    org: Organisation,
    customer_a: Contact,
    customer_a_person: ContactPerson,
    password: str,
    time_machine: Any,
) -> None:
    time_machine.move_to(NOON_UTC)
    invoice = overdue_tomorrow_at_utc(customer_a)
    enable_with_password(customer_a_person, password)
    client = Client()
    portal_login(client, org, customer_a_person.email, password)
    overdue_list = f"/portal/{org.slug}/invoices?status=overdue"

    in_utc = client.get(overdue_list).content.decode()
    org.timezone = FAR_EAST
    org.save()
    far_east = client.get(overdue_list).content.decode()

    assert invoice.number not in in_utc
    assert invoice.number in far_east


def test_the_zone_is_reset_after_each_request(owner_client: Client, org: Organisation) -> None:
    org.timezone = FAR_EAST
    org.save()
    owner_client.get(reverse("admin:index"))
    assert timezone.get_current_timezone_name() == "UTC"


def test_resolving_a_portal_activates_its_zone(org: Organisation) -> None:
    org.timezone = "America/New_York"
    org.save()
    try:
        portal_selectors.organisation_for_portal(slug=org.slug)
        assert timezone.get_current_timezone_name() == "America/New_York"
    finally:
        timezone.deactivate()


def test_an_unknown_stored_zone_falls_back_to_utc(org: Organisation) -> None:
    assert zone_of("Not/AZone") == zoneinfo.ZoneInfo("UTC")
    assert zone_of("Europe/Paris") == zoneinfo.ZoneInfo("Europe/Paris")


def test_a_statement_runs_to_the_organisations_today(time_machine: Any) -> None:
    time_machine.move_to(NOON_UTC)
    with timezone.override(zoneinfo.ZoneInfo(FAR_EAST)):
        start, end = PeriodForm({}).period()
    assert (start, end) == (datetime.date(2026, 1, 1), datetime.date(2026, 6, 16))
