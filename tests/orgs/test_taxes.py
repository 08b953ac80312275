from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import IntegrityError, connection, transaction

from portico.orgs import services
from portico.orgs.models import Organisation, Tax
from tests.orgs.factories import OrganisationFactory, TaxFactory


def is_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


@pytest.mark.django_db
def test_two_default_taxes_are_impossible(org: Organisation) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        TaxFactory(organisation=org, name="Second", is_default=True)


@pytest.mark.django_db
def test_setting_a_default_moves_it(org: Organisation) -> None:
    reduced = TaxFactory(organisation=org, name="Reduced", rate=Decimal("5"))
    services.tax_set_default(tax=reduced)
    assert list(Tax.objects.filter(organisation=org, is_default=True)) == [reduced]


@pytest.mark.django_db
def test_each_organisation_has_its_own_default(org: Organisation, other_org: Organisation) -> None:
    assert Tax.objects.filter(is_default=True).count() == 2


@pytest.mark.postgres
@pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_concurrent_default_changes_leave_exactly_one_default() -> None:
    # given an organisation with six taxes
    organisation = OrganisationFactory(slug="race")
    taxes = [TaxFactory(organisation=organisation, name=f"T{i}") for i in range(6)]
    barrier = threading.Barrier(len(taxes))
    errors: list[BaseException] = []

    def make_default(tax: Tax) -> None:
        try:
            barrier.wait()
            services.tax_set_default(tax=tax)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    # when all of them are made the default at the same moment
    threads = [threading.Thread(target=make_default, args=(tax,)) for tax in taxes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then none failed and exactly one is the default
    assert errors == []
    assert Tax.objects.filter(organisation=organisation, is_default=True).count() == 1
