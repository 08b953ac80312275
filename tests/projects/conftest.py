from __future__ import annotations

from decimal import Decimal

import pytest

from portico.contacts.models import Contact
from portico.projects.models import Project
from tests.projects.factories import ProjectFactory


@pytest.fixture
def project(customer_a: Contact) -> Project:
    return ProjectFactory(
        contact=customer_a, name="Website", rate=Decimal("120.00"), budget_hours=Decimal("10")
    )
