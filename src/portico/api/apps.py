from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "portico.api"
    label = "api"
