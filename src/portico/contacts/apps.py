from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "portico.contacts"
    label = "contacts"
    verbose_name = "Customers"
