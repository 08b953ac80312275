"""Portal-side records: one-time tokens (invitations, password resets) and login sessions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portico.core.tenancy import OrganisationOwned


class PortalTokenQuerySet(models.QuerySet["PortalToken"]):
    def open(self) -> PortalTokenQuerySet:
        """Not used, not revoked (expiry is checked where the token is redeemed)."""
        return self.filter(used_at__isnull=True, revoked_at__isnull=True)

    def with_hash(self, token_hash: str) -> PortalTokenQuerySet:
        return self.filter(token_hash=token_hash)


class PortalToken(OrganisationOwned):
    """A single-use link sent by email. Only a SHA-256 of the secret is kept."""

    class Purpose(models.TextChoices):
        INVITATION = "invitation", _("Invitation")
        PASSWORD_RESET = "password_reset", _("Password reset")
        EMAIL_CHANGE = "email_change", _("Email change")

    person = models.ForeignKey(
        "contacts.ContactPerson", on_delete=models.CASCADE, related_name="portal_tokens"
    )
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = PortalTokenQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["person", "purpose"])]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} for {self.person_id}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class PortalSessionQuerySet(models.QuerySet["PortalSession"]):
    def of_user(self, user_id: int) -> PortalSessionQuerySet:
        return self.filter(user_id=user_id)

    def with_key(self, session_key: str) -> PortalSessionQuerySet:
        return self.filter(session_key=session_key)


class PortalSession(OrganisationOwned):
    """One logged-in browser, for "where you're logged in" and for ending sessions."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    user_agent = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    last_seen_at = models.DateTimeField(default=timezone.now)

    objects = PortalSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.device}"

    @property
    def device(self) -> str:
        """A short name like "Chrome · Windows" from the user agent, to recognise a browser."""
        agent = self.user_agent
        browsers = [("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
                    ("Safari/", "Safari")]  # fmt: skip
        systems = [("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"),
                   ("Windows", "Windows"), ("Mac OS X", "macOS"), ("Linux", "Linux")]  # fmt: skip
        browser = next((name for marker, name in browsers if marker in agent), "")
        system = next((name for marker, name in systems if marker in agent), "")
        if browser and system:
            return f"{browser} · {system}"
        return browser or system or agent[:60]
