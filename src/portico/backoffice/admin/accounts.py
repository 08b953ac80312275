from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from portico.accounts.models import Membership
from portico.backoffice.scoping import OrganisationScopedAdmin
from portico.backoffice.sites import site


@admin.register(Membership, site=site)
class MembershipAdmin(OrganisationScopedAdmin):
    """The team: who works in this organisation's back office, and as what.

    Members are added with `portico staff add`; choosing from every user of the
    installation here would show other organisations' people.
    """

    settings_model = True
    list_display = ["user", "role", "created_at"]
    list_select_related = ["user"]
    fields = ["user", "role"]
    readonly_fields = ["user"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False
