"""Outgoing webhook endpoints (URL, events, secret shown once) and the delivery log."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from portico.backoffice.scoping import (
    OrganisationScopedAdmin,
    ScopedTabularInline,
    organisation_of,
)
from portico.backoffice.sites import site
from portico.core.errors import DomainError
from portico.core.events import EVENT_TYPES
from portico.webhooks import services, transport
from portico.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


class EndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        choices=[(e, e) for e in EVENT_TYPES], widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "description", "events"]

    def clean_url(self) -> str:
        url = str(self.cleaned_data["url"])
        try:
            transport.check_url(url)
        except transport.Refused as exc:
            raise forms.ValidationError(str(exc)) from None
        return url


@admin.register(WebhookEndpoint, site=site)
class WebhookEndpointAdmin(OrganisationScopedAdmin):
    settings_model = True
    form = EndpointForm
    list_display = ["url", "is_active", "consecutive_failures", "disabled_at", "created_at"]
    readonly_fields = ["is_active", "consecutive_failures", "disabled_at", "disabled_reason"]
    actions = ["enable"]

    def save_model(
        self, request: HttpRequest, obj: WebhookEndpoint, form: Any, change: bool
    ) -> None:
        if change:
            try:
                services.endpoint_update(
                    endpoint=obj,
                    url=form.cleaned_data["url"],
                    events=list(form.cleaned_data["events"]),
                    description=form.cleaned_data.get("description", ""),
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            return
        try:
            endpoint, secret = services.endpoint_create(
                organisation=organisation_of(request),
                url=form.cleaned_data["url"],
                events=list(form.cleaned_data["events"]),
                description=form.cleaned_data.get("description", ""),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return
        obj.pk = endpoint.pk
        messages.warning(
            request,
            _("Signing secret (copy it now; it is not shown again): %(secret)s")
            % {"secret": secret},
        )

    def delete_model(self, request: HttpRequest, obj: WebhookEndpoint) -> None:
        services.endpoint_delete(endpoint=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        for endpoint in queryset:
            services.endpoint_delete(endpoint=endpoint)

    @admin.action(description=_("Switch the selected endpoints back on"))
    def enable(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        for endpoint in queryset:
            services.endpoint_enable(endpoint=endpoint)
        messages.success(request, _("Switched on."))


class AttemptInline(ScopedTabularInline):
    model = WebhookAttempt
    fields = ["at", "status_code", "response_ms", "error"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WebhookDelivery, site=site)
class WebhookDeliveryAdmin(OrganisationScopedAdmin):
    list_display = [
        "event_type",
        "endpoint",
        "status",
        "attempts",
        "last_status_code",
        "last_response_ms",
        "next_attempt_at",
        "created_at",
    ]
    list_filter = ["status", "event_type"]
    readonly_fields = [
        "endpoint",
        "event_id",
        "event_type",
        "payload",
        "status",
        "attempts",
        "next_attempt_at",
        "last_status_code",
        "last_response_ms",
        "last_error",
    ]
    inlines = [AttemptInline]
    actions = ["redeliver"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Send the selected deliveries again"))
    def redeliver(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        for delivery in queryset:
            services.delivery_redeliver(delivery=delivery)
        messages.success(request, _("Queued again."))
