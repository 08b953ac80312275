"""Back office: notifications (unread count, mark read), comments (staff replies), the activity
log per customer, and the notification settings."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portico.activity import selectors, services
from portico.activity.models import (
    ACTION_LABELS,
    TARGETS,
    ActivityLog,
    Comment,
    EstimateAcceptance,
    Notification,
    NotificationSettings,
)
from portico.backoffice import exports
from portico.backoffice.admin.common import ReadOnlyMixin
from portico.backoffice.admin.filters import UnansweredChangeRequestFilter
from portico.backoffice.admin.payments import CustomerFilter
from portico.backoffice.scoping import OrganisationScopedAdmin, organisation_of
from portico.backoffice.sites import site
from portico.backoffice.staff import as_staff
from portico.core import text
from portico.core.errors import DomainError


class ReadFilter(admin.SimpleListFilter):
    title = _("read")
    parameter_name = "read"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("no", str(_("Unread"))), ("yes", str(_("Read")))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "no":
            return queryset.filter(read_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(read_at__isnull=False)
        return queryset


@admin.register(Notification, site=site)
class NotificationAdmin(ReadOnlyMixin, OrganisationScopedAdmin):
    list_display = ["shown_text", "kind", "document", "contact", "created_at", "is_read"]
    list_filter = [ReadFilter, "kind"]
    search_fields = ["text", "contact__display_name"]
    list_select_related = ["contact", "estimate", "invoice", "sales_order", "approval", "payment"]
    readonly_fields = [
        "kind",
        "shown_text",
        "document",
        "contact",
        "person",
        "created_at",
        "read_at",
        "emailed_at",
    ]

    @admin.display(description=_("text"))
    def shown_text(self, obj: Notification) -> SafeString:
        """In the reader's language (the texts were written in each the staff read), each
        typed part in its own `<bdi>`."""
        return text.sentence_bdi(obj.shown_text)

    @admin.display(description=_("document"))
    def document(self, obj: Notification) -> str:
        """A link to what the notification is about, where the conversation is."""
        target = obj.target or obj.payment
        if target is None:
            return "—"
        opts = target._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[target.pk])
        return format_html('<a href="{}">{}</a>', url, target)

    fields = readonly_fields
    actions = ["mark_read"]

    @admin.display(boolean=True, description=_("read"))
    def is_read(self, obj: Notification) -> bool:
        return obj.is_read

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The changelist needs it for actions; the form stays read-only.
        return self._may_change(request)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        organisation = organisation_of(request)
        unread = selectors.notifications_unread_count(organisation=organisation)
        title = _("Notifications (%(count)s unread)") % {"count": unread}
        return super().changelist_view(request, {**(extra_context or {}), "title": title})

    @admin.action(description=_("Mark as read"))
    def mark_read(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        changed = services.notification_mark_read(
            organisation=organisation_of(request),
            notification_ids=list(queryset.values_list("pk", flat=True)),
        )
        messages.success(
            request,
            ngettext(
                "%(count)d notification marked read.",
                "%(count)d notifications marked read.",
                changed,
            )
            % {"count": changed},
        )


class StaffCommentForm(forms.ModelForm):
    """A staff reply on one document; the choices are scoped by the admin base class."""

    class Meta:
        model = Comment
        fields = [*TARGETS, "body", "show_in_portal"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen = [name for name in TARGETS if cleaned.get(name)]
        if self.instance.pk is None and len(chosen) != 1:
            raise ValidationError(_("Choose exactly one document to comment on."))
        return cleaned


@admin.register(Comment, site=site)
class CommentAdmin(OrganisationScopedAdmin):
    form = StaffCommentForm
    list_display = [
        "body_start",
        "target_label",
        "contact",
        "author",
        "show_in_portal",
        "created_at",
    ]
    list_filter = ["show_in_portal", "kind", UnansweredChangeRequestFilter]
    search_fields = ["body", "contact__display_name"]
    list_select_related = ["contact", "author_user", "author_person"]
    autocomplete_fields: list[str] = []

    @admin.display(description=_("comment"))
    def body_start(self, obj: Comment) -> SafeString:
        return text.bdi(obj.body[:80])

    @admin.display(description=_("document"))
    def target_label(self, obj: Comment) -> SafeString | str:
        target = obj.target
        return text.bdi(services.target_label(target)) if target is not None else ""

    @admin.display(description=_("by"))
    def author(self, obj: Comment) -> SafeString:
        return text.bdi(obj.author_name)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return [*TARGETS, "body", "show_in_portal"]
        return ["body", "show_in_portal"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["body"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Comment, form: Any, change: bool) -> None:
        try:
            if change:
                services.comment_set_visibility(comment=obj, show_in_portal=obj.show_in_portal)
                return
            target = next(form.cleaned_data[name] for name in TARGETS if form.cleaned_data[name])
            staff = as_staff(request)
            created = services.comment_add_from_staff(
                user=staff.user,
                organisation=staff.organisation,
                target=target,
                body=form.cleaned_data["body"],
                show_in_portal=form.cleaned_data["show_in_portal"],
            )
        except DomainError as error:
            messages.error(request, error.message)
            return
        obj.pk = created.pk
        obj.public_id = created.public_id


EXPORT_COLUMNS = [
    _("time (UTC)"),
    _("kind"),
    _("action"),
    _("actor"),
    _("by"),
    _("customer"),
    _("on"),
    _("document"),
    _("detail"),
    _("IP address"),
    _("browser"),
]


def export_row(row: ActivityLog) -> list[Any]:
    return [
        row.created_at.astimezone(datetime.UTC).isoformat(timespec="seconds"),
        row.get_kind_display(),
        row.action_label,
        row.get_actor_kind_display(),
        row.actor,
        row.contact.display_name if row.contact is not None else "",
        row.target_kind,
        row.target_label,
        text.sentence(row.detail),
        row.ip_address or "",
        row.user_agent,
    ]


class ActionFilter(admin.SimpleListFilter):
    """The trail's actions by their names (portal actions as recorded)."""

    title = _("action")
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(action, str(label)) for action, label in ACTION_LABELS.items()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(ActivityLog, site=site)
class ActivityLogAdmin(ReadOnlyMixin, OrganisationScopedAdmin):
    """The audit trail, read-only: portal actions, sign-ins, access, API keys, webhook endpoints
    and money movements; filtered, searched and exported as CSV (the same rows)."""

    list_display = [
        "created_at",
        "kind",
        "action_name",
        "actor_name",
        "contact",
        "target_label",
        "shown_detail",
        "ip_address",
    ]
    list_filter = [
        "kind",
        ActionFilter,
        "actor_kind",
        ("created_at", admin.DateFieldListFilter),
        CustomerFilter,  # found by typing: no list of every customer's (typed) name
    ]
    date_hierarchy = "created_at"
    search_fields = [
        "actor_label",
        "contact__display_name",
        "person__email",
        "target_label",
        "detail",
        "ip_address",
    ]
    list_select_related = ["contact", "person"]
    readonly_fields = [
        "created_at",
        "kind",
        "action_name",
        "actor_kind",
        "actor_name",
        "actor_user",
        "contact",
        "person",
        "target_kind",
        "target_label",
        "shown_detail",
        "ip_address",
        "user_agent",
    ]
    fields = readonly_fields

    # Sign-ins, API access and webhook endpoints are the security side of the trail (colleagues'
    # addresses among them): for those who keep the organisation's settings, owners and admins.
    SETTINGS_KINDS = (ActivityLog.Kind.SIGN_IN, ActivityLog.Kind.API, ActivityLog.Kind.WEBHOOK)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        rows = super().get_queryset(request)
        membership = getattr(request, "membership", None)
        if membership is None or not membership.can_manage_settings:
            rows = rows.exclude(kind__in=self.SETTINGS_KINDS)
        return rows

    @admin.display(description=_("action"), ordering="action")
    def action_name(self, obj: ActivityLog) -> str:
        return obj.action_label

    @admin.display(description=_("by"), ordering="actor_label")
    def actor_name(self, obj: ActivityLog) -> SafeString:
        return text.bdi(obj.actor)

    @admin.display(description=_("detail"), ordering="detail")
    def shown_detail(self, obj: ActivityLog) -> SafeString:
        """Each typed part in its own `<bdi>`, the whole isolated too (rows stored before their
        parts were isolated read as one part)."""
        return format_html("<bdi>{}</bdi>", text.sentence_bdi(obj.detail))

    def get_urls(self) -> list[Any]:
        export = self.admin_site.admin_view(self.export_csv_view)
        return [
            path("export.csv", export, name="activity_activitylog_export_csv"),
            *super().get_urls(),
        ]

    def export_csv_view(self, request: HttpRequest) -> HttpResponseBase:
        """The list as filtered and searched now, streamed as CSV (any number of rows, a
        bounded amount of memory); cells that look like formulas neutralised."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            rows = self.get_changelist_instance(request).get_queryset(request)
        except IncorrectLookupParameters:
            return HttpResponseBadRequest("Unknown filter.")
        organisation = organisation_of(request)
        name = slugify(f"{organisation.slug} audit trail {timezone.localdate():%Y-%m-%d}")
        return exports.csv_stream(
            f"{name}.csv", EXPORT_COLUMNS, (export_row(row) for row in rows.iterator(2000))
        )


@admin.register(EstimateAcceptance, site=site)
class EstimateAcceptanceAdmin(ReadOnlyMixin, OrganisationScopedAdmin):
    list_display = ["estimate", "signed_name", "accepted_at", "total", "currency", "ip_address"]
    list_select_related = ["estimate"]
    readonly_fields = [
        "estimate",
        "person",
        "signed_name",
        "accepted_at",
        "total",
        "currency",
        "ip_address",
        "user_agent",
    ]
    fields = readonly_fields


@admin.register(NotificationSettings, site=site)
class NotificationSettingsAdmin(OrganisationScopedAdmin):
    settings_model = True
    exclude = ["organisation"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        exists = self.get_queryset(request).exists()
        return super().has_add_permission(request) and not exists
