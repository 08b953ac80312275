"""The wall between organisations in the back office, walked over every admin URL."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, reverse

from portico.activity.models import Notification
from portico.backoffice.sites import site
from portico.orgs.models import Organisation
from tests.contacts.factories import ContactFactory
from tests.payments import factories as payments
from tests.sales import factories as sales
from tests.tenancy import ROW_MAKERS

pytestmark = pytest.mark.django_db

OBJECT_URL_NAMES = ("change", "delete", "history")
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def admin_object_urls() -> list[tuple[type, str]]:
    """Every (model, url name) of the admin that takes an object id, from the resolver."""
    found = []
    for model, model_admin in site._registry.items():
        for pattern in model_admin.urls:
            if not isinstance(pattern, URLPattern) or not pattern.name:
                continue
            if "object_id" in pattern.pattern.regex.groupindex:
                found.append((model, pattern.name))
    return found


def test_every_admin_model_is_covered() -> None:
    missing = [model.__name__ for model in site._registry if model not in ROW_MAKERS]
    assert missing == [], f"add these models to tests/tenancy/ ROW_MAKERS: {missing}"


def test_the_walk_finds_change_delete_and_history_urls() -> None:
    names = {name.rsplit("_", 1)[-1] for _, name in admin_object_urls()}
    assert set(OBJECT_URL_NAMES) <= names


@pytest.mark.parametrize(
    ("model", "url_name"),
    admin_object_urls(),
    ids=lambda value: value if isinstance(value, str) else value.__name__,
)
def test_another_organisations_row_is_404_at_every_admin_url(
    model: type, url_name: str, owner_client: Client, other_org: Organisation
) -> None:
    # given a row of organisation B
    foreign = ROW_MAKERS[model](other_org)
    url = reverse(f"admin:{url_name}", args=[foreign.pk])

    # when organisation A's owner asks for it by URL
    response = owner_client.get(url)

    # then it does not exist for them
    assert response.status_code == 404, url


@pytest.mark.parametrize("model", list(ROW_MAKERS), ids=lambda m: m.__name__)
def test_own_rows_open_at_the_change_url(
    model: type, owner_client: Client, org: Organisation
) -> None:
    if model not in site._registry:
        pytest.skip("not registered in the admin")
    own = ROW_MAKERS[model](org)
    opts = model._meta
    response = owner_client.get(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[own.pk])
    )
    assert response.status_code == 200


@pytest.mark.parametrize("model", list(site._registry), ids=lambda m: m.__name__)
def test_lists_show_only_the_own_organisations_rows(
    model: type, owner_client: Client, org: Organisation, other_org: Organisation
) -> None:
    ROW_MAKERS[model](org)
    foreign = ROW_MAKERS[model](other_org)
    opts = model._meta
    response = owner_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert response.status_code == 200
    pks = [obj.pk for obj in response.context["cl"].result_list]
    assert foreign.pk not in pks


def test_the_home_page_shows_nothing_of_another_organisation(
    owner_client: Client, other_org: Organisation
) -> None:
    # given organisation B has a customer who owes, paid and did things in its portal
    customer = ContactFactory(organisation=other_org, currency="JPY", display_name="B-only")
    sales.invoice(customer, "777.00")
    payments.payment(customer, "555")
    Notification.objects.create(
        organisation=other_org,
        kind=Notification.Kind.PAID,
        event_key="b:paid",
        text="Secret customer of B paid",
        contact=customer,
    )

    # when organisation A's owner opens the back office
    page = owner_client.get(reverse("admin:index")).content.decode()
    page = CSRF_TOKEN.sub("", page)  # a random token may hold "777" by chance

    # then none of B's figures, currencies or activity appear
    assert "JPY" not in page and "777" not in page and "555" not in page
    assert "Secret customer of B" not in page
