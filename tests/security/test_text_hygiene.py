"""Single-line fields lose invisible bidi controls and refuse line breaks, posted from outside."""

from __future__ import annotations

import pytest
from django.test import Client

from portico.contacts.models import Contact, ContactPerson
from portico.core import text

pytestmark = pytest.mark.django_db

RLO = "\u202e"


@pytest.mark.parametrize("invisible", ["\u202a", RLO, "\u2066", "\u2069", "\u200f", "\ufeff"])
def test_invisible_formatting_is_removed(invisible: str) -> None:
    field = text.SingleLineField(max_length=50)
    assert field.clean(f"Ada{invisible} Lovelace") == "Ada Lovelace"


@pytest.mark.parametrize("newline", ["\n", "\r", "\u2028", "\x85"])
def test_a_line_break_is_refused(newline: str) -> None:
    field = text.SingleLineField(max_length=50)
    with pytest.raises(Exception, match="single line"):
        field.clean(f"Ada{newline}Bcc: x@example.com")


def test_a_customer_cannot_disguise_their_company_name_for_staff(
    portal_client: Client, portal_person: ContactPerson, customer_a: Contact
) -> None:
    # when the company page is posted with a right-to-left override in the name
    response = portal_client.post(
        f"/portal/{portal_person.organisation.slug}/account/company",
        {"display_name": f"Acme{RLO}gpj.exe", "currency": customer_a.currency},
    )
    # then what staff read is the name without the control
    assert response.status_code in (200, 302)
    customer_a.refresh_from_db()
    assert customer_a.display_name == "Acmegpj.exe", response.content.decode()[:3000]
