from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "portico.orgs"
    label = "orgs"
    verbose_name = "Settings"
