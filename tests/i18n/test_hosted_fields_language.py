"""A gateway's hosted fields, framed in the pay page, speak the page's language."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from portico.contacts.models import Contact, ContactPerson
from portico.contacts.scope import PortalScope
from portico.orgs.models import Organisation
from portico.payments.checkout import selectors
from tests.gateways.factories import GatewayAccountFactory
from tests.i18n.untranslated import english_left

pytestmark = pytest.mark.django_db


def test_the_sandbox_fields_follow_the_page_that_frames_them(
    org: Organisation, customer_a: Contact, customer_a_person: ContactPerson
) -> None:
    account = GatewayAccountFactory(organisation=org)
    scope = PortalScope(org, customer_a, customer_a_person)
    with translation.override("ar"):
        urls = selectors.hosted_fields_urls(scope=scope, account=account)
    # the browser itself asks for English: the page's language wins
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(urls["card"]).content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert english_left(page, "ar") == []
    # a language Portico does not speak is ignored, never an error
    unknown = Client(HTTP_ACCEPT_LANGUAGE="de").get(urls["card"].replace("lang=ar", "lang=xx"))
    assert unknown.status_code == 200 and '<html lang="de"' in unknown.content.decode()
