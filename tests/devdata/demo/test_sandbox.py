from __future__ import annotations

import pytest

from portico.devdata.demo import DemoContext
from portico.devdata.demo import orgs as orgs_demo
from portico.devdata.demo import sandbox as demo
from portico.orgs.models import GatewayAccount
from portico.payments.gateways import registry

pytestmark = pytest.mark.django_db


def test_the_demo_step_makes_one_working_sandbox_account_however_often_it_runs() -> None:
    context = DemoContext(say=lambda line: None)
    orgs_demo.load(context)

    demo.load(context)
    demo.load(context)

    account = GatewayAccount.objects.get()
    assert account.organisation == context.organisation
    registry.gateway_for(account).verify_credentials()
