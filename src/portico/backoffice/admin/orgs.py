from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters

from portico.backoffice import resources
from portico.backoffice.exports import ImportExportAdminMixin
from portico.backoffice.scoping import OrganisationScopedAdmin
from portico.backoffice.sites import site
from portico.orgs import services
from portico.orgs.models import GatewayAccount, Item, Organisation, PortalPreferences, Tax
from portico.payments.gateways import registry
from portico.payments.gateways.base import GatewayError


class SettingsAdmin(OrganisationScopedAdmin):
    """One row per organisation: edited, never added or deleted from here."""

    settings_model = True

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Organisation, site=site)
class OrganisationAdmin(SettingsAdmin):
    list_display = ["name", "slug", "base_currency", "primary_email"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "slug",
                    "former_addresses",
                    "primary_email",
                    "phone",
                    "website",
                    "tax_number",
                ]
            },
        ),
        (
            _("Address"),
            {"fields": ["street", "street2", "city", "state", "postal_code", "country"]},
        ),
        (
            _("Preferences"),
            {"fields": ["base_currency", "timezone", "language", "paper_size", "logo"]},
        ),
        (_("Staff security"), {"fields": ["require_staff_two_factor"]}),
    ]

    readonly_fields = ["former_addresses"]

    @admin.display(description=_("former portal addresses"))
    def former_addresses(self, obj: Organisation) -> str:
        slugs = [alias.slug for alias in obj.former_addresses.order_by("-created_at")]
        if not slugs:
            return str(_("None: the portal has always lived at this address."))
        return str(_("%(slugs)s (they lead to the current address)")) % {
            "slugs": ", ".join(f"/portal/{slug}/" for slug in slugs)
        }

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        services.organisation_update(
            organisation=obj, previous_slug=str(form.initial.get("slug") or "")
        )


@admin.register(PortalPreferences, site=site)
class PortalPreferencesAdmin(SettingsAdmin):
    list_display = ["organisation", "portal_enabled", "show_sales_orders", "show_projects"]


@admin.register(Tax, site=site)
class TaxAdmin(OrganisationScopedAdmin):
    settings_model = True
    list_display = ["name", "rate", "is_default"]
    actions = ["make_default"]

    @admin.action(description=_("Make the selected tax the default"))
    def make_default(self, request: HttpRequest, queryset: QuerySet[Tax]) -> None:
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one tax."), messages.ERROR)
            return
        tax = services.tax_set_default(tax=queryset.get())
        self.message_user(request, _("%(tax)s is now the default tax.") % {"tax": tax})


@admin.register(Item, site=site)
class ItemAdmin(ImportExportAdminMixin, OrganisationScopedAdmin):
    resource_classes = [resources.ItemResource]
    list_display = ["name", "rate", "unit", "tax", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "description"]


class GatewayAccountForm(forms.ModelForm):
    """Secrets are write-only: an empty field keeps the stored value, which is never sent back."""

    secret_key = forms.CharField(
        label=_("secret key"),
        required=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Leave empty to keep the current key."),
    )
    webhook_secret = forms.CharField(
        label=_("webhook signing secret"),
        required=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Leave empty to keep the current secret."),
    )

    class Meta:
        model = GatewayAccount
        fields = [
            "display_name",
            "kind",
            "is_active",
            "publishable_key",
            "secret_key",
            "webhook_secret",
            "currencies",
            "minimum_amount",
            "duplicate_window_minutes",
            "reference_transactions_enabled",
            "recurring_enabled",
            "required_address_fields",
        ]

    def clean_secret_key(self) -> str:
        return self.cleaned_data.get("secret_key") or self.instance.secret_key

    def clean_webhook_secret(self) -> str:
        return self.cleaned_data.get("webhook_secret") or self.instance.webhook_secret

    def clean_currencies(self) -> str:
        return ",".join(c.strip().upper() for c in self.cleaned_data["currencies"].split(","))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if self.errors or not kind:
            return data
        if not data.get("publishable_key") and not data.get("secret_key"):
            opener = getattr(registry.gateway_class(kind), "open_test_account", None)
            if opener is None:
                raise forms.ValidationError(_("Enter the gateway's keys."))
            # A sandbox account can be opened on the spot, as on the processor's sign-up page.
            public_key, secret_key, webhook_secret = opener()
            data.update(
                publishable_key=public_key, secret_key=secret_key, webhook_secret=webhook_secret
            )
            self.instance.publishable_key = public_key
        elif not (data.get("publishable_key") and data.get("secret_key")):
            raise forms.ValidationError(_("Enter both the publishable and the secret key."))
        try:
            errors = registry.credentials_check(
                kind=kind,
                account_ref=str(self.instance.public_id),
                publishable_key=data["publishable_key"],
                secret_key=data["secret_key"],
                webhook_secret=data.get("webhook_secret") or "",
            )
        except GatewayError as exc:
            raise forms.ValidationError(
                _("The gateway refused these keys (%(code)s): %(message)s")
                % {"code": exc.code, "message": exc.message}
            ) from None
        for name, message in errors.items():
            self.add_error(name, message)
        return data


@admin.register(GatewayAccount, site=site)
class GatewayAccountAdmin(OrganisationScopedAdmin):
    settings_model = True
    form = GatewayAccountForm
    list_display = [
        "display_name",
        "kind",
        "publishable_key",
        "secret_key_masked",
        "currencies",
        "is_active",
    ]
    list_filter = ["kind", "is_active"]
    readonly_fields = ["secret_key_masked", "webhook_secret_masked", "webhook_endpoint"]
    actions = ["test_connection"]
    fieldsets = [
        (None, {"fields": ["display_name", "kind", "is_active"]}),
        (
            _("Credentials"),
            {
                "fields": [
                    "publishable_key",
                    "secret_key_masked",
                    "secret_key",
                    "webhook_secret_masked",
                    "webhook_secret",
                    "webhook_endpoint",
                ],
                "description": _(
                    "Sandbox: leave the keys empty to open a new sandbox account. Stripe: the "
                    "keys of the Developers → API keys page; save, then add the webhook endpoint "
                    "shown here in Stripe and paste its signing secret."
                ),
            },
        ),
        (
            _("What the account allows"),
            {
                "fields": [
                    "currencies",
                    "minimum_amount",
                    "duplicate_window_minutes",
                    "reference_transactions_enabled",
                    "recurring_enabled",
                    "required_address_fields",
                ]
            },
        ),
    ]

    @admin.display(description=_("secret key"))
    def secret_key_masked(self, obj: GatewayAccount) -> str:
        return obj.secret_key_masked

    @admin.display(description=_("webhook signing secret"))
    def webhook_secret_masked(self, obj: GatewayAccount) -> str:
        return obj.webhook_secret_masked

    @admin.display(description=_("webhook endpoint"))
    def webhook_endpoint(self, obj: GatewayAccount) -> str:
        if obj.pk is None or obj.kind not in registry.kinds():
            return "—"
        path = registry.gateway_for(obj).webhook_path()
        return f"{settings.SITE_URL}{path}" if path else "—"

    @method_decorator(sensitive_post_parameters("secret_key", "webhook_secret"))
    def changeform_view(self, *args: Any, **kwargs: Any) -> Any:
        return super().changeform_view(*args, **kwargs)

    @admin.action(description=_("Test the connection"))
    def test_connection(self, request: HttpRequest, queryset: QuerySet[GatewayAccount]) -> None:
        for account in queryset:
            try:
                registry.gateway_for(account).verify_credentials()
            except GatewayError as exc:
                self.message_user(
                    request,
                    _("%(account)s: %(code)s %(message)s")
                    % {"account": account, "code": exc.code, "message": exc.message},
                    messages.ERROR,
                )
            else:
                self.message_user(request, _("%(account)s: connected.") % {"account": account})
