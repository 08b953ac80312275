"""Back office for customers and their persons (portal access through the portal's services),
and for what customers do in the portal: reviews, messages, the review queue."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.password_validation import validate_password
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portico.activity import invitations
from portico.activity import services as activity_services
from portico.activity.services import Origin
from portico.backoffice import customer_overview, resources
from portico.backoffice.admin.common import ReadOnlyMixin
from portico.backoffice.exports import ImportExportAdminMixin
from portico.backoffice.scoping import OrganisationScopedAdmin, ScopedTabularInline
from portico.backoffice.sites import site
from portico.backoffice.staff import as_staff
from portico.contacts import self_service_services, services
from portico.contacts.models import (
    Contact,
    ContactPerson,
    CustomerMessage,
    DetailsChangeItem,
    Review,
    SelfServiceSettings,
)
from portico.contacts.scope import preview_session_key
from portico.core.errors import DomainError

Status = ContactPerson.PortalStatus


class ReviewInline(ReadOnlyMixin, ScopedTabularInline):
    """ "Client reviews" on the customer's page."""

    model = Review
    extra = 0
    fields = ["person", "stars", "text", "updated_at"]
    readonly_fields = ["person", "stars", "text", "updated_at"]
    verbose_name = _("client review")
    verbose_name_plural = _("Client reviews")

    @admin.display(description=_("rating"))
    def stars(self, review: Review) -> str:
        return review.stars

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Shown, never submitted: left out of POSTs so saving a customer needs no review formset.
        return request.method != "POST" and super().has_view_permission(request, obj)


class ContactPersonInline(ScopedTabularInline):
    model = ContactPerson
    extra = 0
    fields = [
        "first_name",
        "last_name",
        "email",
        "phone",
        "is_primary",
        "receives_documents",
        "portal_status",
        "portal_last_login",
    ]
    # The portal role is set on the contact person's own page.
    readonly_fields = ["portal_status", "portal_last_login"]


class DeletedFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "deleted"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("no", str(_("Active"))), ("yes", str(_("Deleted")))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Contact]) -> QuerySet[Contact]:
        if self.value() == "yes":
            return queryset.filter(is_deleted=True)
        if self.value() == "all":
            return queryset
        return queryset.filter(is_deleted=False)


@admin.register(Contact, site=site)
class ContactAdmin(ImportExportAdminMixin, OrganisationScopedAdmin):
    resource_classes = [resources.ContactResource]
    list_display = ["display_name", "company_name", "email", "currency", "portal_status"]
    list_filter = [DeletedFilter, "currency", "allow_bank_debit", "reminders_off"]
    search_fields = ["display_name", "company_name", "email", "persons__email"]
    inlines = [ContactPersonInline, ReviewInline]
    actions = ["soft_delete", "restore", "enable_portal"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "display_name",
                    "company_name",
                    "email",
                    "phone",
                    "website",
                    "tax_number",
                ]
            },
        ),
        (
            _("Billing"),
            {
                "fields": [
                    "currency",
                    "payment_terms_days",
                    "allow_bank_debit",
                    "language",
                    "reminders_off",
                ]
            },
        ),
        (
            _("Billing address"),
            {
                "fields": [
                    "billing_attention",
                    "billing_street",
                    "billing_street2",
                    "billing_city",
                    "billing_state",
                    "billing_postal_code",
                    "billing_country",
                ]
            },
        ),
        (
            _("Shipping address"),
            {
                "fields": [
                    "shipping_attention",
                    "shipping_street",
                    "shipping_street2",
                    "shipping_city",
                    "shipping_state",
                    "shipping_postal_code",
                    "shipping_country",
                ]
            },
        ),
        (_("Notes"), {"fields": ["notes"]}),
    ]

    change_form_outer_before_template = "admin/contacts/contact/overview.html"

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        contact = self.get_object(request, object_id)
        overview = customer_overview.overview_for(contact=contact)
        context = {
            **(extra_context or {}),
            "overview": overview,
            "comments": [
                {
                    "comment": comment,
                    "author": comment.author_person or comment.author_user or "",
                    "label": label,
                    "url": url,
                }
                for comment in overview.comments
                for label, url in [customer_overview.comment_target(comment)]
            ],
            "can_change": self.has_change_permission(request, contact),
            "access_url": reverse("admin:contacts_contact_portal_access", args=[contact.pk]),
            "preview_url": reverse("admin:contacts_contact_portal_preview", args=[contact.pk]),
        }
        return super().change_view(request, object_id, form_url, context)

    def get_urls(self) -> list[Any]:
        access = self.admin_site.admin_view(self.portal_access_view)
        preview = self.admin_site.admin_view(self.portal_preview_view)
        return [
            path("<path:object_id>/portal-access/", access, name="contacts_contact_portal_access"),
            path(
                "<path:object_id>/portal-preview/",
                preview,
                name="contacts_contact_portal_preview",
            ),
            *super().get_urls(),
        ]

    def _person(self, request: HttpRequest, contact: Contact) -> ContactPerson:
        person_id = str(request.POST.get("person", ""))
        person = (
            ContactPerson.objects.in_organisation(as_staff(request).organisation)
            .filter(contact=contact, pk=int(person_id) if person_id.isdigit() else 0)
            .select_related("contact", "organisation")
            .first()
        )
        if person is None:
            raise Http404("No such person.")
        return person

    def portal_access_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Invite, reinvite or disable one person of this customer (the overview's buttons)."""
        contact = self.get_object(request, object_id)
        if request.method != "POST":  # looked up first: another organisation's id is a 404
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request, contact):
            raise Http404("No such customer.")
        person = self._person(request, contact)
        action = request.POST.get("action")
        try:
            if action == "invite":
                invitations.portal_access_enable(person=person)
                done = _("Invitation sent to %(email)s.")
            elif action == "reinvite":
                invitations.portal_access_reinvite(person=person)
                done = _("A new invitation went to %(email)s; older links stop working.")
            elif action == "disable":
                invitations.portal_access_disable_many(
                    persons=ContactPerson.objects.filter(pk=person.pk)
                )
                done = _("Portal disabled for %(email)s; their sessions ended.")
            else:
                raise Http404("No such action.")
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
        else:
            self.message_user(request, done % {"email": person.email}, messages.SUCCESS)
        return redirect(reverse("admin:contacts_contact_change", args=[contact.pk]))

    def portal_preview_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Open the portal as one of this customer's persons, read-only, logged."""
        staff = as_staff(request)
        contact = self.get_object(request, object_id)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        person = self._person(request, contact)
        try:
            activity_services.portal_preview_start(
                user=staff.user,
                person=person,
                origin=Origin(
                    ip=request.META.get("REMOTE_ADDR") or None,
                    user_agent=request.META.get("HTTP_USER_AGENT", ""),
                ),
            )
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
            return redirect(reverse("admin:contacts_contact_change", args=[contact.pk]))
        request.session[preview_session_key(staff.organisation.pk)] = person.pk
        return redirect(reverse("portal:home", kwargs={"org_slug": staff.organisation.slug}))

    def get_queryset(self, request: HttpRequest) -> QuerySet[Contact]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                active_persons=Count("persons", filter=Q(persons__portal_status=Status.ACTIVE)),
                invited_persons=Count("persons", filter=Q(persons__portal_status=Status.INVITED)),
            )
        )

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("currency", as_staff(request).organisation.base_currency)
        return initial

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # customers are soft-deleted: their books must stay

    @admin.display(description=_("portal"))
    def portal_status(self, contact: Any) -> str:
        if not contact.active_persons and not contact.invited_persons:
            return str(_("Not enabled"))
        parts = []
        if contact.active_persons:
            parts.append(
                ngettext("%d active", "%d active", contact.active_persons) % contact.active_persons
            )
        if contact.invited_persons:
            parts.append(
                ngettext("%d invited", "%d invited", contact.invited_persons)
                % contact.invited_persons
            )
        return " · ".join(parts)

    @admin.action(description=_("Delete the selected customers (they can be restored)"))
    def soft_delete(self, request: HttpRequest, queryset: QuerySet[Contact]) -> None:
        count = services.contact_delete_many(contacts=queryset)
        self.message_user(
            request, ngettext("%d customer deleted.", "%d customers deleted.", count) % count
        )

    @admin.action(description=_("Enable the portal for every person of the selected customers"))
    def enable_portal(self, request: HttpRequest, queryset: QuerySet[Contact]) -> None:
        persons = ContactPerson.objects.in_organisation(as_staff(request).organisation).filter(
            contact__in=queryset
        )
        report_enable(self, request, invitations.portal_access_enable_many(persons=persons))

    @admin.action(description=_("Restore the selected customers"))
    def restore(self, request: HttpRequest, queryset: QuerySet[Contact]) -> None:
        count = services.contact_restore_many(contacts=queryset)
        self.message_user(
            request, ngettext("%d customer restored.", "%d customers restored.", count) % count
        )


def report_enable(
    model_admin: admin.ModelAdmin[Any], request: HttpRequest, report: invitations.EnableReport
) -> None:
    """One message for the invited, one warning naming the skipped and why."""
    count = len(report.enabled)
    model_admin.message_user(
        request,
        ngettext(
            "Portal enabled for %d person; the invitation is on its way.",
            "Portal enabled for %d persons; the invitations are on their way.",
            count,
        )
        % count,
    )
    if report.skipped:
        shown = report.skipped[:20]
        listed = "; ".join(f"{person} ({reason})" for person, reason in shown)
        more = len(report.skipped) - len(shown)
        if more:
            listed += " " + ngettext("and %d more", "and %d more", more) % more
        model_admin.message_user(
            request,
            ngettext(
                "Skipped %(count)d person: %(list)s",
                "Skipped %(count)d persons: %(list)s",
                len(report.skipped),
            )
            % {"count": len(report.skipped), "list": listed},
            messages.WARNING,
        )


class ContactPersonAdminForm(forms.ModelForm):
    portal_password = forms.CharField(
        label=_("initial portal password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Optional: opens the portal for this person with this password, without an "
            "invitation email. Leave empty to invite them by email instead."
        ),
    )

    class Meta:
        model = ContactPerson
        fields = [
            "contact",
            "first_name",
            "last_name",
            "email",
            "phone",
            "mobile",
            "designation",
            "language",
            "is_primary",
            "receives_documents",
            "portal_role",
        ]

    def clean_portal_password(self) -> str:
        password = str(self.cleaned_data.get("portal_password") or "")
        if password:
            if not self.cleaned_data.get("email"):
                raise forms.ValidationError(_("Add an email address to open the portal."))
            validate_password(password)
        return password


@admin.register(ContactPerson, site=site)
class ContactPersonAdmin(ImportExportAdminMixin, OrganisationScopedAdmin):
    resource_classes = [resources.ContactPersonResource]
    form = ContactPersonAdminForm
    list_display = [
        "full_name",
        "contact",
        "email",
        "is_primary",
        "portal_status",
        "portal_role",
        "portal_last_login",
    ]
    list_filter = ["portal_status", "portal_role", "is_primary"]
    search_fields = ["first_name", "last_name", "email", "contact__display_name"]
    list_select_related = ["contact"]
    readonly_fields = ["portal_status", "portal_last_login"]
    actions = ["enable_portal", "reinvite", "disable_portal", "reset_two_factor"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        role = obj.portal_role
        if change and "portal_role" in form.changed_data:
            obj.portal_role = form.initial.get("portal_role", role)  # changed by the service
        super().save_model(request, obj, form, change)
        if obj.portal_role != role:
            invitations.portal_role_set(person=obj, role=role)
        password = form.cleaned_data.get("portal_password")
        if password and obj.portal_status != Status.ACTIVE:
            try:
                invitations.portal_access_enable(person=obj, password=password)
            except DomainError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                self.message_user(
                    request, _("The portal is open for %(person)s.") % {"person": obj}
                )

    @admin.action(description=_("Enable the portal (send an invitation)"))
    def enable_portal(self, request: HttpRequest, queryset: QuerySet[ContactPerson]) -> None:
        report_enable(self, request, invitations.portal_access_enable_many(persons=queryset))

    @admin.action(description=_("Send the portal invitation again"))
    def reinvite(self, request: HttpRequest, queryset: QuerySet[ContactPerson]) -> None:
        sent, refused = 0, []
        for person in queryset.select_related("contact", "organisation"):
            try:
                invitations.portal_access_reinvite(person=person)
            except DomainError as error:
                refused.append(error.message)
            else:
                sent += 1
        self.message_user(
            request, ngettext("%d invitation sent.", "%d invitations sent.", sent) % sent
        )
        if refused:
            self.message_user(request, " ".join(refused), messages.WARNING)

    @admin.action(description=_("Disable the portal (logs them out now)"))
    def disable_portal(self, request: HttpRequest, queryset: QuerySet[ContactPerson]) -> None:
        count = invitations.portal_access_disable_many(persons=queryset)
        self.message_user(
            request,
            ngettext("Portal disabled for %d person.", "Portal disabled for %d persons.", count)
            % count,
        )

    @admin.action(description=_("Reset two-factor login"))
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet[ContactPerson]) -> None:
        count = 0
        for person in queryset.select_related("user"):
            invitations.portal_two_factor_reset(person=person)
            count += 1
        self.message_user(
            request,
            ngettext(
                "Two-factor login reset for %d person; they set it up again at their next login.",
                "Two-factor login reset for %d persons; they set it up again at their next login.",
                count,
            )
            % count,
        )


# What customers do in the portal: reviews, messages, the review queue.


@admin.register(Review, site=site)
class ReviewAdmin(ReadOnlyMixin, OrganisationScopedAdmin):
    list_display = ["contact", "person", "stars", "text_start", "updated_at"]
    list_filter = ["rating"]
    search_fields = ["text", "contact__display_name", "person__first_name", "person__last_name"]
    list_select_related = ["contact", "person"]
    fields = ["contact", "person", "rating", "text", "created_at", "updated_at"]
    readonly_fields = fields

    @admin.display(description=_("rating"), ordering="rating")
    def stars(self, review: Review) -> str:
        return review.stars

    @admin.display(description=_("review"))
    def text_start(self, review: Review) -> str:
        return review.text[:80]


@admin.register(CustomerMessage, site=site)
class CustomerMessageAdmin(ReadOnlyMixin, OrganisationScopedAdmin):
    list_display = ["subject", "contact", "person", "reply_to", "created_at"]
    search_fields = ["subject", "body", "contact__display_name", "reply_to"]
    list_select_related = ["contact", "person"]
    date_hierarchy = "created_at"
    fields = ["contact", "person", "reply_to", "subject", "body", "created_at"]
    readonly_fields = fields


@admin.register(DetailsChangeItem, site=site)
class DetailsChangeItemAdmin(OrganisationScopedAdmin):
    """The review queue: one row per changed field, approved or rejected one by one."""

    list_display = [
        "contact",
        "field_name",
        "old_value",
        "new_value",
        "status",
        "person",
        "created_at",
    ]
    list_filter = ["status"]
    search_fields = ["contact__display_name", "old_value", "new_value"]
    list_select_related = ["contact", "person"]
    fields = [
        "contact",
        "person",
        "field_name",
        "old_value",
        "new_value",
        "status",
        "created_at",
        "decided_by",
        "decided_at",
    ]
    readonly_fields = fields
    actions = ["approve", "reject"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("field"), ordering="field")
    def field_name(self, item: DetailsChangeItem) -> str:
        return item.field_label

    @admin.action(
        description=_("Approve the selected changes (apply them to the customer)"),
        permissions=["change"],
    )
    def approve(self, request: HttpRequest, queryset: QuerySet[DetailsChangeItem]) -> None:
        staff = as_staff(request)
        count = self_service_services.details_change_approve(
            organisation=staff.organisation,
            user=staff.user,
            item_ids=list(queryset.values_list("pk", flat=True)),
        )
        self.message_user(
            request, ngettext("%d change approved.", "%d changes approved.", count) % count
        )

    @admin.action(description=_("Reject the selected changes"), permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet[DetailsChangeItem]) -> None:
        staff = as_staff(request)
        count = self_service_services.details_change_reject(
            organisation=staff.organisation,
            user=staff.user,
            item_ids=list(queryset.values_list("pk", flat=True)),
        )
        self.message_user(
            request, ngettext("%d change rejected.", "%d changes rejected.", count) % count
        )


@admin.register(SelfServiceSettings, site=site)
class SelfServiceSettingsAdmin(OrganisationScopedAdmin):
    list_display = ["__str__", "details_changes_need_review"]
    fields = ["details_changes_need_review"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        exists = self.get_queryset(request).exists()
        return not exists and super().has_add_permission(request, *args)
