"""Bad input on every API operation, found in the OpenAPI document (a new path is checked the
day it is added): malformed JSON, wrong types, unknown fields, oversized bodies and page sizes
over 100 answer 400/422 in the error envelope with the field named — never a 500."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest

from portico.api.main import api
from portico.orgs.models import Organisation
from tests.api.conftest import Api

pytestmark = pytest.mark.django_db

SCHEMA = api.get_openapi_schema()
COMPONENTS = SCHEMA["components"]["schemas"]


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref", "")
    return COMPONENTS[ref.rsplit("/", 1)[-1]] if ref else schema


def _operations(wanted: Any) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path.removeprefix("/api/v1"), operation)
        for path, methods in SCHEMA["paths"].items()
        for method, operation in methods.items()
        if wanted(operation)
    ]


def _with_body(operation: dict[str, Any]) -> bool:
    return "requestBody" in operation


def _paged(operation: dict[str, Any]) -> bool:
    return any(p["name"] == "page_size" for p in operation.get("parameters", []))


BODY_OPERATIONS = _operations(_with_body)
PAGED_OPERATIONS = _operations(_paged)


def body_properties(operation: dict[str, Any]) -> dict[str, Any]:
    content = operation["requestBody"]["content"]["application/json"]["schema"]
    return dict(_resolve(content).get("properties", {}))


def wrong_value(schema: dict[str, Any]) -> Any:
    """A value of another JSON type than the property takes."""
    types = {s.get("type") for s in schema.get("anyOf", [schema])}
    return "not a list" if "array" in types else [1]


@pytest.fixture
def clients(books: Api, portal: Api, org: Organisation) -> dict[str, Any]:
    return {"books": books, "portal": portal, "org": org}


def send(clients: dict[str, Any], method: str, path: str, raw: str | bytes | None = None) -> Any:
    """`path` with made-up ids, by the router's own credential, with a fresh key."""
    org: Organisation = clients["org"]
    url = re.sub(r"\{(?!org\})[a-z_]+\}", str(uuid.uuid4()), path).replace("{org}", org.slug)
    client: Api = clients["portal" if path.startswith("/portal/") else "books"]
    headers = {**client._headers(None), "Idempotency-Key": uuid.uuid4().hex}
    return client.client.generic(
        method.upper(), f"/api/v1{url}", raw or "", "application/json", headers=headers
    )


def error_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] and error["message"], error
    return error


def test_the_walk_finds_bodies_and_lists_of_both_routers() -> None:
    paths = {path for _method, path, _operation in BODY_OPERATIONS + PAGED_OPERATIONS}
    assert {"/books/invoices", "/portal/{org}/checkouts", "/portal/{org}/invoices"} <= paths


@pytest.mark.parametrize("method,path,operation", BODY_OPERATIONS)
def test_bad_bodies_are_refused_naming_the_field(
    method: str, path: str, operation: dict[str, Any], clients: dict[str, Any], settings: Any
) -> None:
    # malformed JSON: 400, the body named with what is wrong with it
    error = error_of(send(clients, method, path, '{"a": '), 400)
    assert error["code"] == "bad_request" and "JSON" in error["fields"]["body"]
    # not an object at all
    assert error_of(send(clients, method, path, "[1, 2]"), 422)["fields"]
    # an unknown field is named, never dropped silently
    error = error_of(send(clients, method, path, '{"no_such_field": 1}'), 422)
    assert "no_such_field" in error["fields"]
    # a value of the wrong type, for each field in turn
    for name, schema in body_properties(operation).items():
        raw = json.dumps({name: wrong_value(schema)})
        fields = error_of(send(clients, method, path, raw), 422)["fields"]
        assert any(f == name or f.startswith(f"{name}.") for f in fields), (name, fields)
    # a body over the upload limit
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    error = error_of(send(clients, method, path, '{"x": "' + "x" * 2000 + '"}'), 400)
    assert error["code"] == "body_too_large" and "1024" in error["fields"]["body"]


@pytest.mark.parametrize("method,path,operation", PAGED_OPERATIONS)
def test_list_parameters_out_of_range_are_422_naming_them(
    method: str, path: str, operation: dict[str, Any], clients: dict[str, Any]
) -> None:
    cases = {"page_size": ["101", "0", "many"], "page": ["0", "first"], "updated_since": ["x"]}
    taken = {p["name"] for p in operation["parameters"]}
    for name, values in cases.items():
        for value in values if name in taken else []:
            response = send(clients, method, f"{path}?{name}={value}")
            assert name in error_of(response, 422)["fields"], (name, value)
