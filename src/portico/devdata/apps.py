from django.apps import AppConfig


class DevdataConfig(AppConfig):
    name = "portico.devdata"
    label = "devdata"
