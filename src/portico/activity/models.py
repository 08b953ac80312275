"""What passed between a customer and the business: comments, notifications, the audit log."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portico.core import text as typed
from portico.core.tenancy import OrganisationOwned
from portico.sales.models import LedgerEntry

COMMENT_MAX_LENGTH = 2000
TARGETS = ("estimate", "invoice", "sales_order", "approval")


def acting_person() -> models.ForeignKey:
    """The contact person who did something (kept as empty if the person is removed)."""
    return models.ForeignKey(
        "contacts.ContactPerson",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )


def _exactly_one(*names: str) -> Q:
    condition = Q()
    for name in names:
        one = Q(**{f"{name}__isnull": False})
        for other in names:
            if other != name:
                one &= Q(**{f"{other}__isnull": True})
        condition |= one
    return condition


class TargetMixin(models.Model):
    """Nullable links to the document a row is about (at most one is set)."""

    estimate = models.ForeignKey(
        "sales.Estimate", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    invoice = models.ForeignKey(
        "sales.Invoice", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    sales_order = models.ForeignKey(
        "sales.SalesOrder", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    approval = models.ForeignKey(
        "projects.TimesheetApproval",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("timesheet approval"),
    )

    class Meta:
        abstract = True

    @property
    def target(self) -> models.Model | None:
        for name in TARGETS:
            if getattr(self, f"{name}_id", None) is not None:
                return getattr(self, name)
        return None


class Comment(OrganisationOwned, TargetMixin):
    """A note on a document; a customer's always shows, a staff one only when ticked."""

    class Kind(models.TextChoices):
        COMMENT = "comment", _("Comment")
        CHANGE_REQUEST = "change_request", _("Change request")

    contact = models.ForeignKey(
        "contacts.Contact",
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=_("customer"),
        editable=False,
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=Kind.choices, default=Kind.COMMENT, editable=False
    )
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("staff author"),
    )
    author_person = models.ForeignKey(
        "contacts.ContactPerson",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("customer author"),
    )
    body = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH)
    show_in_portal = models.BooleanField(_("show in portal"), default=False)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=_exactly_one(*TARGETS), name="comment_on_one_target"),
            models.CheckConstraint(
                condition=Q(author_user__isnull=True) | Q(author_person__isnull=True),
                name="comment_one_author",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "contact", "created_at"])]

    def __str__(self) -> str:
        return self.body[:60]

    @property
    def by_customer(self) -> bool:
        return self.author_person_id is not None

    @property
    def author_name(self) -> str:
        if self.author_person_id is not None and self.author_person is not None:
            return self.author_person.full_name
        if self.author_user is not None:
            return self.author_user.full_name or self.author_user.email
        return ""


class Notification(OrganisationOwned, TargetMixin):
    """Something a customer did, for the business. One row per event (`event_key`)."""

    class Kind(models.TextChoices):
        VIEWED = "viewed", _("Viewed for the first time")
        ESTIMATE_ACCEPTED = "estimate_accepted", _("Estimate accepted")
        ESTIMATE_DECLINED = "estimate_declined", _("Estimate declined")
        ESTIMATE_CHANGES = "estimate_changes", _("Changes requested")
        TIMESHEET_APPROVED = "timesheet_approved", _("Timesheet approved")
        TIMESHEET_REJECTED = "timesheet_rejected", _("Timesheet rejected")
        COMMENTED = "commented", _("Comment added")
        PAID = "paid", _("Payment made")
        PAYMENT_FAILED = "payment_failed", _("Online payment failed")
        PAYMENT_REFUNDED = "payment_refunded", _("Online payment refunded at the gateway")
        AUTOPAY_OFF = "autopay_off", _("Autopay turned off")
        FORWARDED = "document_forwarded", _("Document forwarded")
        DETAILS_UPDATED = "details_updated", _("Details updated")
        REVIEWED = "reviewed", _("Review written")
        MESSAGED = "messaged", _("Message sent")
        TASK_FAILED = "task_failed", _("Background work failed")

    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    event_key = models.CharField(max_length=120, editable=False)
    contact = models.ForeignKey(
        "contacts.Contact",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("customer"),
    )
    person = acting_person()
    payment = models.ForeignKey(
        "payments.Payment", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    text = models.CharField(_("text"), max_length=500)
    """In the organisation's language (webhooks, search); staff read `shown_text`."""
    texts = models.JSONField(default=dict, blank=True, editable=False)
    """The text in each language the organisation's staff read, by language code."""
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "event_key"], name="notification_once_per_event"
            )
        ]
        indexes = [models.Index(fields=["organisation", "read_at"])]

    def __str__(self) -> str:
        return self.shown_text

    @property
    def shown_text(self) -> str:
        """The text in the active language (the reader's), else the organisation's, as shown:
        its typed parts between isolates, no other control (`core.text.sentence`)."""
        return typed.sentence(self.texts.get(get_language() or "", "") or self.text)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


DETAIL_LENGTH = 300


class ActivityLog(OrganisationOwned):
    """The organisation's audit trail, append-only: every action taken in the portal, and the
    sign-ins, portal access, API keys, webhook endpoints and money movements recorded through
    `core.audit`; each with who, what, on what, when and from where."""

    class Kind(models.TextChoices):
        PORTAL = "portal", _("Portal action")
        SIGN_IN = "sign_in", _("Sign-in and security")
        ACCESS = "access", _("Portal access")
        API = "api", _("API access")
        WEBHOOK = "webhook", _("Webhook endpoint")
        MONEY = "money", _("Money movement")

    class ActorKind(models.TextChoices):
        STAFF = "staff", _("Staff")
        PERSON = "person", _("Customer contact")
        API_KEY = "api_key", _("API key")
        SYSTEM = "system", _("System")
        ANONYMOUS = "anonymous", _("Anonymous visitor")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.PORTAL)
    contact = models.ForeignKey(
        "contacts.Contact",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("customer"),
    )
    person = acting_person()
    actor_kind = models.CharField(
        _("actor"), max_length=16, choices=ActorKind.choices, default=ActorKind.PERSON
    )
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff user"),
    )
    actor_label = models.CharField(_("by"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=40)
    target_kind = models.CharField(_("on"), max_length=30, blank=True)
    target_id = models.UUIDField(null=True, blank=True)
    target_label = models.CharField(_("document"), max_length=100, blank=True)
    detail = models.CharField(_("detail"), max_length=DETAIL_LENGTH, blank=True)
    """A sentence, its typed parts between isolates (`core.text.fill`), like a notification's."""
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activity log")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "contact", "created_at"]),
            models.Index(fields=["organisation", "kind", "created_at"]),
            models.Index(fields=["organisation", "created_at"]),
        ]

    def __str__(self) -> str:
        target = typed.isolate(self.target_label) if self.target_label else ""
        return f"{self.action_label} {target}".strip()

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))

    @property
    def actor(self) -> str:
        """Who did it, as people read it."""
        if self.actor_label:
            return self.actor_label
        if self.person_id is not None and self.person is not None:
            return self.person.full_name
        return str(self.get_actor_kind_display())


# The trail's actions (`core.audit.ACTIONS`) as staff read them; money movements are named
# like the customer ledger's postings. Portal actions show as recorded.
ACTION_LABELS: dict[str, Any] = {
    "signed_in": _("Signed in"),
    "sign_in_failed": _("Sign-in failed"),
    "locked_out": _("Locked out after failed sign-ins"),
    "signed_out": _("Signed out"),
    "password_changed": _("Password changed"),
    "password_reset": _("Password reset"),
    "two_factor_enabled": _("Two-factor sign-in turned on"),
    "two_factor_disabled": _("Two-factor sign-in turned off"),
    "portal_invited": _("Invited to the portal"),
    "portal_enabled": _("Portal access enabled"),
    "portal_disabled": _("Portal access disabled"),
    "portal_role_changed": _("Portal role changed"),
    "api_key_created": _("API key created"),
    "api_key_revoked": _("API key revoked"),
    "api_token_created": _("Portal API token created"),
    "api_token_ended": _("Portal API token ended"),
    "webhook_created": _("Webhook endpoint created"),
    "webhook_changed": _("Webhook endpoint changed"),
    "webhook_deleted": _("Webhook endpoint deleted"),
    **{kind.value: kind.label for kind in LedgerEntry.Kind if kind != LedgerEntry.Kind.INVOICE},
}


class EstimateAcceptance(OrganisationOwned):
    """What the portal keeps beside an estimate's signature when a customer accepts it: who,
    with which browser, for what total. The signature itself (name, time, IP) is the
    estimate's, stored once."""

    estimate = models.OneToOneField(
        "sales.Estimate", on_delete=models.CASCADE, related_name="portal_acceptance"
    )
    person = models.ForeignKey(
        "contacts.ContactPerson", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    total = models.DecimalField(_("total accepted"), max_digits=18, decimal_places=4)
    currency = models.CharField(_("currency"), max_length=3)

    class Meta:
        verbose_name = _("estimate acceptance")
        verbose_name_plural = _("estimate acceptances")

    @property
    def signed_name(self) -> str:
        return self.estimate.signed_name

    @property
    def accepted_at(self) -> datetime.datetime | None:
        return self.estimate.accepted_at

    @property
    def ip_address(self) -> str | None:
        return self.estimate.accepted_ip

    def __str__(self) -> str:
        return f"{self.signed_name} · {self.accepted_at:%Y-%m-%d %H:%M}"


class NotificationSettings(models.Model):
    """Which customer actions reach the business by email, and what acceptance does.

    The master switch stays `PortalPreferences.notify_by_email`; these refine it per event.
    """

    organisation = models.OneToOneField(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="notification_settings"
    )
    email_on_viewed = models.BooleanField(_("email on first view"), default=True)
    email_on_estimate_answer = models.BooleanField(
        _("email when an estimate is accepted, declined or changes are requested"), default=True
    )
    email_on_timesheet = models.BooleanField(
        _("email when a timesheet is approved or rejected"), default=True
    )
    email_on_comment = models.BooleanField(_("email on a new comment"), default=True)
    email_on_payment = models.BooleanField(_("email on a payment"), default=True)
    email_on_details = models.BooleanField(
        _("email when a customer updates their details"), default=True
    )
    email_on_review = models.BooleanField(_("email on a review"), default=True)
    email_on_forward = models.BooleanField(
        _("email when a customer forwards a document"), default=True
    )
    email_on_message = models.BooleanField(_("email on a message"), default=True)
    convert_accepted_estimates = models.BooleanField(
        _("an accepted estimate becomes an invoice at once"), default=False
    )

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return str(_("Notification settings"))

    def emails(self, kind: str) -> bool:
        field = EMAIL_SWITCH.get(kind)
        return bool(field and getattr(self, field))


K = Notification.Kind
EMAIL_SWITCH: dict[str, str] = {
    K.VIEWED: "email_on_viewed",
    K.ESTIMATE_ACCEPTED: "email_on_estimate_answer",
    K.ESTIMATE_DECLINED: "email_on_estimate_answer",
    K.ESTIMATE_CHANGES: "email_on_estimate_answer",
    K.TIMESHEET_APPROVED: "email_on_timesheet",
    K.TIMESHEET_REJECTED: "email_on_timesheet",
    K.COMMENTED: "email_on_comment",
    K.PAID: "email_on_payment",
    K.PAYMENT_FAILED: "email_on_payment",
    K.AUTOPAY_OFF: "email_on_payment",
    K.FORWARDED: "email_on_forward",
    K.DETAILS_UPDATED: "email_on_details",
    K.REVIEWED: "email_on_review",
    K.MESSAGED: "email_on_message",
}


class EmailDelivery(models.Model):
    """An email the mail server accepted, by its key: the task that sends it again (a retry, a
    worker that died after sending) finds the row and sends nothing."""

    key = models.CharField(max_length=64, unique=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key
