"""Customers (contacts), the people who act for them (contact persons) and their portal access."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from portico.core import audit
from portico.core.currencies import currency_choices, validate_currency
from portico.core.formats import country_name
from portico.core.tenancy import OrganisationOwned
from portico.core.timezones import language_preference


class ContactQuerySet(models.QuerySet["Contact"]):
    def live(self) -> ContactQuerySet:
        return self.filter(is_deleted=False)


class Contact(OrganisationOwned):
    """A customer of the organisation."""

    display_name = models.CharField(_("display name"), max_length=200)
    company_name = models.CharField(_("company name"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    website = models.URLField(_("website"), blank=True)
    tax_number = models.CharField(_("tax/VAT number"), max_length=50, blank=True)
    currency = models.CharField(
        _("currency"), max_length=3, validators=[validate_currency], choices=currency_choices
    )
    payment_terms_days = models.PositiveSmallIntegerField(
        _("payment terms (days)"), default=30, validators=[MaxValueValidator(365)]
    )
    allow_bank_debit = models.BooleanField(_("allow bank debit (ACH)"), default=False)
    language = language_preference(
        _("Emails and documents for this customer; empty: the organisation's.")
    )
    reminders_off = models.BooleanField(
        _("don't send payment reminders"),
        default=False,
        help_text=_("The reminder schedule skips this customer's invoices."),
    )

    billing_attention = models.CharField(_("attention"), max_length=200, blank=True)
    billing_street = models.CharField(_("street"), max_length=200, blank=True)
    billing_street2 = models.CharField(_("street (line 2)"), max_length=200, blank=True)
    billing_city = models.CharField(_("city"), max_length=100, blank=True)
    billing_state = models.CharField(_("state or region"), max_length=100, blank=True)
    billing_postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    billing_country = CountryField(_("country"), blank=True)

    shipping_attention = models.CharField(_("attention"), max_length=200, blank=True)
    shipping_street = models.CharField(_("street"), max_length=200, blank=True)
    shipping_street2 = models.CharField(_("street (line 2)"), max_length=200, blank=True)
    shipping_city = models.CharField(_("city"), max_length=100, blank=True)
    shipping_state = models.CharField(_("state or region"), max_length=100, blank=True)
    shipping_postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    shipping_country = CountryField(_("country"), blank=True)

    notes = models.TextField(_("internal notes"), blank=True)
    is_deleted = models.BooleanField(_("deleted"), default=False)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["display_name"]
        indexes = [models.Index(fields=["organisation", "display_name"])]

    def __str__(self) -> str:
        return self.display_name

    def address_lines(self, kind: str = "billing") -> list[str]:
        def part(name: str) -> str:
            return str(getattr(self, f"{kind}_{name}") or "")

        place = " ".join(p for p in (part("postal_code"), part("city")) if p)
        lines = [
            part("attention"),
            part("street"),
            part("street2"),
            place,
            part("state"),
            country_name(getattr(self, f"{kind}_country")),
        ]
        return [line for line in lines if line]


class ContactPersonQuerySet(models.QuerySet["ContactPerson"]):
    def in_organisation(self, organisation: models.Model) -> ContactPersonQuerySet:
        return self.filter(organisation=organisation)

    def with_pks(self, pks: list[int]) -> ContactPersonQuerySet:
        return self.filter(pk__in=pks)


class ContactPerson(OrganisationOwned):
    """Someone who acts for a customer; portal access is per person, never per customer."""

    class PortalStatus(models.TextChoices):
        NOT_ENABLED = "not_enabled", _("Not enabled")
        INVITED = "invited", _("Invited")
        ACTIVE = "active", _("Active")
        DISABLED = "disabled", _("Disabled")

    class PortalRole(models.TextChoices):
        FULL = "full", _("Full access")
        BILLING = "billing", _("Billing (estimates, invoices, payments, statement)")
        PROJECTS = "projects", _("Projects and timesheets")

    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="persons", verbose_name=_("customer")
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    mobile = models.CharField(_("mobile"), max_length=50, blank=True)
    designation = models.CharField(_("designation"), max_length=100, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    receives_documents = models.BooleanField(
        _("receives documents by email"),
        default=False,
        help_text=_(
            "Ticked in advance when a document is sent. A customer with no one ticked gets "
            "its documents at the primary contact's address."
        ),
    )
    portal_status = models.CharField(
        _("portal status"),
        max_length=12,
        choices=PortalStatus.choices,
        default=PortalStatus.NOT_ENABLED,
        editable=False,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="contact_persons",
    )
    portal_role = models.CharField(
        _("portal role"),
        max_length=10,
        choices=PortalRole.choices,
        default=PortalRole.FULL,
        help_text=_("What this person sees in the client portal."),
    )
    portal_last_login = models.DateTimeField(
        _("last portal login"), null=True, blank=True, editable=False
    )

    objects = ContactPersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        ordering = ["-is_primary", "first_name", "last_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact"], condition=Q(is_primary=True), name="person_one_primary"
            ),
            models.UniqueConstraint(
                "contact",
                Lower("email"),
                condition=~Q(email=""),
                name="person_email_unique_per_contact",
            ),
        ]
        indexes = [models.Index(Lower("email"), name="person_email_ci")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    def audit_actor(self) -> audit.Actor:
        label = f"{self.full_name} <{self.email}>" if self.email else self.full_name
        return audit.Actor("person", label, user_id=self.user_id, person_id=self.pk)


# --- portal access: one-time links and login sessions (tables keep their first names) ---


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
        db_table = "portal_portaltoken"
        indexes = [
            models.Index(fields=["person", "purpose"], name="portal_port_person__8792b5_idx")
        ]

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

    def with_token_hash(self, token_hash: str) -> PortalSessionQuerySet:
        return self.filter(token_hash=token_hash)


class PortalSession(OrganisationOwned):
    """One logged-in browser, for "where you're logged in" and for ending sessions."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    user_agent = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    last_seen_at = models.DateTimeField(default=timezone.now)
    # A Portal API bearer token is a session too: listed and ended with the browsers.
    person = models.ForeignKey(
        ContactPerson, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    objects = PortalSessionQuerySet.as_manager()

    class Meta:
        db_table = "portal_portalsession"
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

    @property
    def is_api_token(self) -> bool:
        return self.token_hash is not None

    def audit_actor(self) -> audit.Actor:
        """A Portal API token acts as its person."""
        if self.person is not None:
            return self.person.audit_actor()
        return audit.Actor("person", user_id=self.user_id)
