"""A bounded schemathesis run over both routers, authenticated, on demo-like data: no answer
is a 5xx, and every answer matches the OpenAPI document (status code, content type, body)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.core.signals import request_finished, request_started  # noqa: E402
from django.db import close_old_connections  # noqa: E402
from hypothesis import HealthCheck, Phase, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from portico.accounts import api_keys  # noqa: E402
from portico.api.main import api  # noqa: E402
from portico.contacts.models import Contact, ContactPerson  # noqa: E402
from portico.orgs.models import Organisation  # noqa: E402
from portico.sales import services as sales_services  # noqa: E402
from tests.api.conftest import portal_token  # noqa: E402
from tests.projects.factories import ProjectFactory, TimesheetApprovalFactory  # noqa: E402
from tests.sales import factories as sales  # noqa: E402

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = WSGIHandler()
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@contextmanager
def requests_keep_the_tests_connection() -> Iterator[None]:
    """schemathesis calls the WSGI handler itself; as in Django's test client, a request's start
    and end must not close the connection that holds the test's transaction (PostgreSQL)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


@dataclass
class Demo:
    org: Organisation
    key: str
    token: str


@pytest.fixture
def demo(
    org: Organisation, customer_a: Contact, active_person: ContactPerson, password: str
) -> Demo:
    org.portal_preferences.show_projects = True
    org.portal_preferences.show_sales_orders = True
    org.portal_preferences.allow_reviews = True
    org.portal_preferences.save()
    for rate in ("120.00", "80.00", "45.50"):
        sales.invoice(customer_a, rate)
    sales_services.estimate_send(estimate=sales.estimate(customer_a))
    sales_services.sales_order_confirm(sales_order=sales.sales_order(customer_a))
    TimesheetApprovalFactory(project=ProjectFactory(contact=customer_a))
    _key, secret = api_keys.api_key_create(organisation=org, name="Fuzz")
    return Demo(org, secret, portal_token(org, active_person, password))


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=6,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_within_its_schema(case: Any, demo: Demo) -> None:
    if "org" in (case.path_parameters or {}):
        case.path_parameters["org"] = demo.org.slug
    credential = demo.key if case.path.startswith("/api/v1/books") else demo.token
    headers = {"Authorization": f"Bearer {credential}", "Idempotency-Key": uuid.uuid4().hex}
    if case.path.endswith("/auth/token"):
        headers.pop("Authorization") if case.method == "POST" else None
    with requests_keep_the_tests_connection():
        case.call_and_validate(headers=headers, checks=CHECKS)
