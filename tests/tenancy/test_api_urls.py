"""Walk every API operation that names an object, with another customer's (Portal API) and
another organisation's ids: each must answer 404 with the same body as a missing id.

Operations come from the API's OpenAPI document, so a new API path is walked the day it is
added; a path parameter with no maker in `FOREIGN_IDS`, or a request body with no entry in
`BODIES`, fails the test until someone says how to call it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from portico.accounts import api_keys
from portico.api.main import api
from portico.contacts.models import Contact, ContactPerson
from portico.orgs.models import Organisation
from tests.api.conftest import Api, portal_token
from tests.api.tenancy_rows import a_delivery, an_endpoint
from tests.payments.checkout.foreign_ids import a_checkout_of, a_saved_method_of
from tests.portal.conftest import enable_with_password
from tests.portal.pages.foreign_ids import FOREIGN_MAKERS
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db

Maker = Callable[[ContactPerson], Any]

FOREIGN_IDS: dict[str, Maker] = {
    **{
        k: (lambda maker: lambda person: maker(person.contact))(m)
        for k, m in FOREIGN_MAKERS.items()
    },
    "checkout_id": lambda person: a_checkout_of(None, person),
    "method_id": lambda person: a_saved_method_of(None, person),
    "contact_id": lambda person: person.contact.public_id,
    "credit_note_id": lambda person: sales.credit_note(person.contact).public_id,
    "person_id": lambda person: person.public_id,
    "endpoint_id": lambda person: an_endpoint(person.contact.organisation).public_id,
    "delivery_id": lambda person: a_delivery(person.contact.organisation).public_id,
}

# A well-formed body for each operation that takes one, so the wall (not validation) answers.
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("post", "/estimates/{estimate_id}/accept"): {"signed_name": "Walker"},
    ("post", "/estimates/{estimate_id}/decline"): {"reason": "Walking"},
    ("post", "/timesheets/{approval_id}/reject"): {"reason": "Walking"},
    ("patch", "/contacts/{contact_id}"): {"phone": "1"},
    ("patch", "/persons/{person_id}"): {"phone": "1"},
    ("post", "/contacts/{contact_id}/persons"): {"first_name": "Walker"},
    ("post", "/persons/{person_id}/portal/enable"): {},
}


def operations() -> list[tuple[str, str, list[str]]]:
    """(method, path, id parameters) of every operation with an id besides the org slug."""
    found = []
    for path, methods in api.get_openapi_schema()["paths"].items():
        for method, operation in methods.items():
            names = [
                p["name"]
                for p in operation.get("parameters", [])
                if p["in"] == "path" and p["name"] != "org"
            ]
            if names:
                found.append((method, path.removeprefix("/api/v1"), names))
    return found


def test_the_walk_finds_both_routers() -> None:
    paths = {path for _method, path, _names in operations()}
    assert "/books/invoices/{invoice_id}" in paths
    assert "/portal/{org}/invoices/{invoice_id}" in paths


@pytest.fixture
def world(
    org: Organisation,
    customer_a_person: ContactPerson,
    customer_b_person: ContactPerson,
    other_org_person: ContactPerson,
    password: str,
) -> dict[str, Any]:
    org.portal_preferences.show_projects = True
    org.portal_preferences.show_sales_orders = True
    org.portal_preferences.save()
    for person in (customer_a_person, customer_b_person, other_org_person):
        enable_with_password(person, password)
        person.refresh_from_db()
    _key, secret = api_keys.api_key_create(organisation=org, name="Walker")
    return {
        "org": org,
        "portal": Api(portal_token(org, customer_a_person, password)),
        "books": Api(secret),
        "other_customer": customer_b_person,
        "other_org": other_org_person,
    }


def call(client: Api, method: str, path: str, body: dict[str, Any] | None) -> Any:
    headers = {"Idempotency-Key": uuid.uuid4().hex}
    if method == "get":
        return client.get(path)
    if method == "delete":
        return client.delete(path)
    if method == "patch":
        return client.patch(path, body or {})
    return client.post(path, body or {}, headers=headers)


@pytest.mark.parametrize("method,path,names", operations())
def test_foreign_ids_answer_404(
    method: str, path: str, names: list[str], world: dict[str, Any]
) -> None:
    portal = path.startswith("/portal/")
    client: Api = world["portal"] if portal else world["books"]
    short = path.split("}", 1)[1] if portal else path.removeprefix("/books")
    schema = api.get_openapi_schema()["paths"][f"/api/v1{path}"][method]
    if "requestBody" in schema and (method, short) not in BODIES:
        pytest.fail(f"Add a body for {method.upper()} {path} to BODIES in {__name__}.")
    body = BODIES.get((method, short))
    org: Organisation = world["org"]
    missing_values = {name: uuid.uuid4() for name in names}
    missing = call(client, method, path.format(org=org.slug, **missing_values), body)
    assert missing.status_code == 404, (path, missing.status_code, missing.content)
    whose = ["other_customer", "other_org"] if portal else ["other_org"]
    for who in whose:
        person: ContactPerson = world[who]
        values = {}
        for name in names:
            if name not in FOREIGN_IDS:
                pytest.fail(f"API path {path!r} takes {name!r}: add a maker to FOREIGN_IDS.")
            values[name] = FOREIGN_IDS[name](person)
        response = call(client, method, path.format(org=org.slug, **values), body)
        assert response.status_code == 404, (method, path, who, response.status_code)
        # and the 404 says no more about a foreign object than about a missing one
        assert response.content == missing.content, (method, path, who)


def test_a_contact_of_another_customer_is_unreachable_through_the_portal(
    world: dict[str, Any], customer_b: Contact
) -> None:
    assert world["portal"].get(f"/books/contacts/{customer_b.public_id}").status_code == 401
