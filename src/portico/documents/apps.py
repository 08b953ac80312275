from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "portico.documents"
    label = "documents"
