from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "portico.payments.gateways.sandbox"
    label = "sandbox"
    verbose_name = "Sandbox payment processor"
