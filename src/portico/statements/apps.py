from django.apps import AppConfig


class StatementsConfig(AppConfig):
    name = "portico.statements"
    label = "statements"
