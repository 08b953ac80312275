from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "portico.payments.gateways.sandbox"
    label = "sandbox"
    verbose_name = "Sandbox payment processor"

    def ready(self) -> None:
        from portico.payments.gateways.sandbox import checks  # noqa: F401 — registers the check
