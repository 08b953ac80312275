"""Every app's back-office screens, one module per domain app.

Importing this package (Django's admin autodiscovery imports `portico.backoffice.admin`)
registers them all on the back-office site.
"""

from portico.backoffice.admin import (
    accounts,
    activity,
    api_keys,
    contacts,
    documents,
    orgs,
    payments,
    projects,
    reminders,
    sales,
    tasks,
    webhooks,
)

__all__ = [
    "accounts",
    "activity",
    "api_keys",
    "contacts",
    "documents",
    "orgs",
    "payments",
    "projects",
    "reminders",
    "sales",
    "tasks",
    "webhooks",
]
