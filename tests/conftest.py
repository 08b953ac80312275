"""Standing personas (STYLE.md rule 11) and shared fixtures.

Organisation A has an owner, a teammate and two customers (A and B), each with a person;
an outsider owns organisation B, which has a customer with its own person.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from portico.accounts.models import Membership, User
from portico.contacts.models import Contact, ContactPerson
from portico.orgs.models import Organisation
from tests.accounts.factories import PASSWORD, MembershipFactory
from tests.contacts.factories import ContactFactory, ContactPersonFactory
from tests.orgs.factories import OrganisationFactory, TaxFactory

pytest_plugins = ["tests.localstripe"]


@pytest.fixture(autouse=True)
def _immediate_tasks_and_local_mail(settings: Any, tmp_path: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Each test counts its abuse limits afresh (the file cache would be shared by workers).
    settings.CACHES = {
        **settings.CACHES,
        "limits": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"limits-{tmp_path}",
        },
    }


@pytest.fixture(autouse=True)
def _default_language_between_tests() -> Iterator[None]:
    """A request leaves its language active in the thread (Django never deactivates it); the
    next test starts in the default language, whatever page the last one opened."""
    yield
    translation.deactivate()


@pytest.fixture
def org() -> Organisation:
    organisation = OrganisationFactory(name="Studio A", slug="studio-a")
    TaxFactory(organisation=organisation, name="VAT", is_default=True)
    return organisation


@pytest.fixture
def other_org() -> Organisation:
    organisation = OrganisationFactory(name="Studio B", slug="studio-b")
    TaxFactory(organisation=organisation, name="VAT", is_default=True)
    return organisation


@pytest.fixture
def owner(org: Organisation) -> User:
    return MembershipFactory(
        organisation=org, role=Membership.Role.OWNER, user__email="owner@studio-a.example"
    ).user


@pytest.fixture
def teammate(org: Organisation) -> User:
    return MembershipFactory(
        organisation=org, role=Membership.Role.STAFF, user__email="teammate@studio-a.example"
    ).user


@pytest.fixture
def outsider(other_org: Organisation) -> User:
    return MembershipFactory(
        organisation=other_org, role=Membership.Role.OWNER, user__email="owner@studio-b.example"
    ).user


@pytest.fixture
def customer_a(org: Organisation) -> Contact:
    return ContactFactory(organisation=org, display_name="Customer A")


@pytest.fixture
def customer_b(org: Organisation) -> Contact:
    return ContactFactory(organisation=org, display_name="Customer B")


@pytest.fixture
def other_org_customer(other_org: Organisation) -> Contact:
    return ContactFactory(organisation=other_org, display_name="Other org customer")


@pytest.fixture
def customer_a_person(customer_a: Contact) -> ContactPerson:
    return ContactPersonFactory(contact=customer_a, email="ann@customer-a.example", is_primary=True)


@pytest.fixture
def customer_b_person(customer_b: Contact) -> ContactPerson:
    return ContactPersonFactory(contact=customer_b, email="bob@customer-b.example", is_primary=True)


@pytest.fixture
def other_org_person(other_org_customer: Contact) -> ContactPerson:
    return ContactPersonFactory(
        contact=other_org_customer, email="olga@other-org.example", is_primary=True
    )


@pytest.fixture
def owner_client(owner: User) -> Client:
    client = Client()
    client.force_login(owner)
    return client


@pytest.fixture
def teammate_client(teammate: User) -> Client:
    client = Client()
    client.force_login(teammate)
    return client


@pytest.fixture
def password() -> str:
    return PASSWORD
