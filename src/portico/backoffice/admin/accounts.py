from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from portico.accounts import two_factor
from portico.accounts.models import Membership
from portico.backoffice.scoping import OrganisationScopedAdmin
from portico.backoffice.sites import site


def _is_owner(request: HttpRequest) -> bool:
    membership = getattr(request, "membership", None)
    return membership is not None and membership.role == Membership.Role.OWNER


@admin.register(Membership, site=site)
class MembershipAdmin(OrganisationScopedAdmin):
    """The team: who works in this organisation's back office, and as what.

    Members are added with `portico staff add`; choosing from every user of the
    installation here would show other organisations' people.
    """

    settings_model = True
    list_display = ["user", "role", "two_factor_on", "created_at"]
    list_select_related = ["user"]
    fields = ["user", "role"]
    readonly_fields = ["user"]
    actions = ["reset_two_factor"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        if not allowed or obj is None:
            return allowed
        # Nobody changes their own role (the last owner cannot step down by mistake), and only
        # an owner changes an owner's.
        if obj.user_id == request.user.pk:
            return False
        return obj.role != Membership.Role.OWNER or _is_owner(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_change_permission(request, obj)

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "role" and not _is_owner(request):
            kwargs["choices"] = [
                c for c in Membership.Role.choices if c[0] != Membership.Role.OWNER
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def has_reset_two_factor_permission(self, request: HttpRequest) -> bool:
        membership = getattr(request, "membership", None)
        return membership is not None and membership.can_reset_two_factor

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        devices = TOTPDevice.objects.filter(user=OuterRef("user"), confirmed=True)
        return super().get_queryset(request).annotate(has_totp=Exists(devices))

    @admin.display(boolean=True, description=_("two-factor"))
    def two_factor_on(self, obj: Membership) -> bool:
        return bool(getattr(obj, "has_totp", False))

    @admin.action(
        description=_("Reset two-factor sign-in (a lost phone)"),
        permissions=["reset_two_factor"],
    )
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        reset = 0
        for membership in queryset.select_related("user"):
            if two_factor.two_factor_disable(user=membership.user):
                self.log_change(request, membership, "Reset two-factor sign-in.")
                reset += 1
        self.message_user(
            request,
            _(
                "Two-factor sign-in reset for %(count)d member(s); they set it up again "
                "at their next sign-in."
            )
            % {"count": reset},
            messages.SUCCESS,
        )
