"""Gateway kinds by name. Registration is explicit (no class paths from settings)."""

from __future__ import annotations

from django.conf import settings

from portico.orgs.models import GatewayAccount, gateway_kind_add
from portico.payments.gateways.base import Gateway, GatewayConfig

_REGISTRY: dict[str, type[Gateway]] = {}


def register(gateway_class: type[Gateway]) -> type[Gateway]:
    """Add a gateway class under its `kind`; usable as a class decorator."""
    kind = gateway_class.kind
    if kind in _REGISTRY and _REGISTRY[kind] is not gateway_class:
        raise ValueError(f"A gateway of kind {kind!r} is already registered.")
    _REGISTRY[kind] = gateway_class
    gateway_kind_add(kind, str(gateway_class.label))
    return gateway_class


def _load() -> None:
    # Each gateway module registers itself on import; the list of gateways is these lines.
    from portico.payments.gateways.stripe import adapter as stripe_adapter  # noqa: F401

    if settings.SANDBOX_GATEWAY:
        from portico.payments.gateways.sandbox import adapter  # noqa: F401


def gateway_class(kind: str) -> type[Gateway]:
    _load()
    try:
        return _REGISTRY[kind]
    except KeyError:
        raise LookupError(f"No payment gateway of kind {kind!r}.") from None


def kinds() -> list[str]:
    """The gateway kinds offered here (the sandbox only while SANDBOX_GATEWAY is on)."""
    _load()
    return sorted(kind for kind in _REGISTRY if kind != "sandbox" or settings.SANDBOX_GATEWAY)


def config_for(account: GatewayAccount) -> GatewayConfig:
    return GatewayConfig(
        kind=account.kind,
        account_ref=str(account.public_id),
        publishable_key=account.publishable_key,
        secret_key=account.secret_key,
        webhook_secret=account.webhook_secret,
        currencies=tuple(account.currency_list),
        minimum_amount=account.minimum_amount,
        duplicate_window_minutes=account.duplicate_window_minutes,
        reference_transactions_enabled=account.reference_transactions_enabled,
        recurring_enabled=account.recurring_enabled,
        required_address_fields=tuple(account.required_address_field_list),
        currency_minimums=gateway_class(account.kind).currency_minimums,
    )


def gateway_for(account: GatewayAccount) -> Gateway:
    """The adapter for one business's gateway account."""
    return gateway_class(account.kind)(config_for(account))


def credentials_check(
    *, kind: str, account_ref: str, publishable_key: str, secret_key: str, webhook_secret: str
) -> dict[str, str]:
    """Check keys before they are saved: field errors for a wrong format or mode; then a live
    call, which raises GatewayError (CP3002) when the gateway refuses them."""
    gateway_cls = gateway_class(kind)
    errors = gateway_cls.key_errors(
        publishable_key=publishable_key, secret_key=secret_key, webhook_secret=webhook_secret
    )
    if errors:
        return errors
    config = GatewayConfig(
        kind=kind,
        account_ref=account_ref,
        publishable_key=publishable_key,
        secret_key=secret_key,
        webhook_secret=webhook_secret,
    )
    gateway_cls(config).verify_credentials()
    return {}
