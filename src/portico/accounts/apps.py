from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "portico.accounts"
    label = "accounts"
    verbose_name = "Team"
