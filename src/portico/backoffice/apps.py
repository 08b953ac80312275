from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "portico.backoffice"
    label = "backoffice"
