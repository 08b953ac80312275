"""`check --deploy`: the simulated processor has no place in production."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def sandbox_gateway_off_in_production(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if not settings.SANDBOX_GATEWAY:
        return []
    return [
        Warning(
            "The sandbox payment gateway is on (SANDBOX_GATEWAY): anyone can open a sandbox "
            "account and customers could 'pay' with test cards.",
            hint="Set SANDBOX_GATEWAY=off in production and connect a real gateway (Stripe).",
            id="portico.W001",
        )
    ]
