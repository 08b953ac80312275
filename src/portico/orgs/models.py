"""The business (organisation) and its settings: portal preferences, taxes, items."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from portico.core.crypto import EncryptedTextField
from portico.core.currencies import currency_choices, validate_currency
from portico.core.formats import country_name
from portico.core.tenancy import OrganisationOwned, PublicIdModel
from portico.core.timezones import (
    language_choices,
    time_zone_choices,
    validate_language,
    validate_time_zone,
    zone_of,
)

slug_validator = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$",
    _("Use 1–50 lower-case letters, digits and hyphens, not starting or ending with a hyphen."),
)


class Organisation(PublicIdModel):
    class PaperSize(models.TextChoices):
        A4 = "a4", "A4"
        LETTER = "letter", "US Letter"

    name = models.CharField(_("name"), max_length=200)
    slug = models.CharField(
        _("portal address"),
        max_length=50,
        unique=True,
        validators=[slug_validator],
        help_text=_(
            "The portal lives at /portal/<address>/. After a change, the old address keeps "
            "leading here until another business takes it."
        ),
    )
    base_currency = models.CharField(
        _("base currency"),
        max_length=3,
        default="USD",
        validators=[validate_currency],
        choices=currency_choices,
    )
    primary_email = models.EmailField(_("primary email"))
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    website = models.URLField(_("website"), blank=True)
    tax_number = models.CharField(_("tax number"), max_length=50, blank=True)
    street = models.CharField(_("street"), max_length=200, blank=True)
    street2 = models.CharField(_("street (line 2)"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    state = models.CharField(_("state or region"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    country = CountryField(_("country"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        choices=time_zone_choices,
        validators=[validate_time_zone],
        help_text=_("Due dates, overdue invoices and statements use today's date in this zone."),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        default="en",
        choices=language_choices,
        validators=[validate_language],
    )
    paper_size = models.CharField(
        _("paper size"), max_length=10, choices=PaperSize.choices, default=PaperSize.A4
    )
    require_staff_two_factor = models.BooleanField(
        _("require two-factor for staff"),
        default=False,
        help_text=_(
            "Every member must set up an authenticator app and give a code after the "
            "password on each back-office login."
        ),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def logo_url(self) -> str:
        """The logo's address on this site (the brand view), or "" without a logo. The stored
        name is in it, so a new logo gets a new address and browsers may cache each for good."""
        if not self.logo:
            return ""
        return reverse("brand_logo", kwargs={"name": self.logo.name})

    @property
    def logo_absolute_url(self) -> str:
        """`logo_url` for emails, which are read away from the site."""
        return f"{settings.SITE_URL}{self.logo_url}" if self.logo else ""

    def local_now(self, now: datetime.datetime | None = None) -> datetime.datetime:
        """`now` (default: this moment) in the organisation's time zone: every "today" of a
        job or an email that runs outside a request (where the middleware activates it)."""
        return (now or timezone.now()).astimezone(zone_of(self.timezone))

    @property
    def address_lines(self) -> list[str]:
        place = " ".join(part for part in (self.postal_code, self.city) if part)
        lines = [self.street, self.street2, place, self.state, country_name(self.country)]
        return [line for line in lines if line]


class PortalAddressAlias(models.Model):
    """A portal address (slug) the organisation used before: /portal/<old>/… redirects to the
    current address, unless another organisation has taken the old one since."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="former_addresses"
    )
    slug = models.CharField(_("former portal address"), max_length=50, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("former portal address")
        verbose_name_plural = _("former portal addresses")

    def __str__(self) -> str:
        return self.slug


class PortalPreferences(models.Model):
    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="portal_preferences"
    )
    portal_enabled = models.BooleanField(_("client portal on"), default=True)
    show_sales_orders = models.BooleanField(_("show sales orders"), default=True)
    show_projects = models.BooleanField(_("show projects and timesheets"), default=True)
    allow_forwarding = models.BooleanField(_("allow forwarding documents"), default=True)
    allow_reviews = models.BooleanField(_("allow reviews"), default=True)
    banner_text = models.TextField(_("banner text"), blank=True, max_length=1000)
    brand_colour = models.CharField(
        _("brand colour"),
        max_length=7,
        default="#2563eb",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #2563eb."))],
    )
    notify_by_email = models.BooleanField(
        _("email the business about portal activity"), default=True
    )
    require_two_factor = models.BooleanField(
        _("require two-factor login"),
        default=False,
        help_text=_("Every portal user must set up an authenticator app before going further."),
    )
    document_link_days = models.PositiveSmallIntegerField(
        _("document links work for (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_(
            "A sent document's personal link opens it without a password for this many days."
        ),
    )

    class Meta:
        verbose_name = _("portal preferences")
        verbose_name_plural = _("portal preferences")

    def __str__(self) -> str:
        return f"Portal preferences of {self.organisation}"


class Tax(OrganisationOwned):
    name = models.CharField(_("name"), max_length=100)
    rate = models.DecimalField(
        _("rate (%)"),
        max_digits=6,
        decimal_places=3,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    is_default = models.BooleanField(_("default tax"), default=False)

    class Meta:
        verbose_name = _("tax")
        verbose_name_plural = _("taxes")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(is_default=True),
                name="tax_one_default_per_organisation",
                violation_error_message=_("This organisation already has a default tax."),
            ),
            models.UniqueConstraint(fields=["organisation", "name"], name="tax_name_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.rate.normalize()}%)"


class Item(OrganisationOwned):
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    rate = models.DecimalField(
        _("rate"), max_digits=14, decimal_places=4, validators=[MinValueValidator(Decimal(0))]
    )
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    tax = models.ForeignKey(
        Tax, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("tax")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="item_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


# Filled by the payments app's gateway registry as each gateway registers (orgs knows no gateway).
_GATEWAY_KINDS: dict[str, str] = {}


def gateway_kind_add(kind: str, label: str) -> None:
    _GATEWAY_KINDS[kind] = label


def gateway_kind_choices() -> list[tuple[str, str]]:
    return sorted(_GATEWAY_KINDS.items())


BILLING_ADDRESS_FIELDS = ["name", "line1", "city", "state", "postal_code", "country"]


def _comma_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def validate_currency_list(value: str) -> None:
    codes = _comma_list(value)
    if not codes:
        raise ValidationError(_("Enter at least one currency code."))
    for code in codes:
        validate_currency(code)


def validate_address_fields(value: str) -> None:
    unknown = [f for f in _comma_list(value) if f not in BILLING_ADDRESS_FIELDS]
    if unknown:
        raise ValidationError(
            _("Unknown address fields: %(unknown)s. Use %(known)s."),
            params={"unknown": ", ".join(unknown), "known": ", ".join(BILLING_ADDRESS_FIELDS)},
        )


def mask_secret(value: str) -> str:
    """The first part and last four characters of a key; the rest is never shown again."""
    if not value:
        return ""
    prefix = value.rsplit("_", 1)[0] + "_" if "_" in value else ""
    return f"{prefix}…{value[-4:]}"


class GatewayAccount(OrganisationOwned):
    """The business's account at a payment gateway, and what it allows."""

    kind = models.CharField(_("gateway"), max_length=30, choices=gateway_kind_choices)
    display_name = models.CharField(_("name"), max_length=100)
    publishable_key = models.CharField(_("publishable key"), max_length=200, blank=True)
    # The publishable key is public by design (every payment page carries it) and is what the
    # sandbox's webhook URL names, so it stays searchable; the two secrets are encrypted.
    secret_key = EncryptedTextField(_("secret key"), blank=True)
    webhook_secret = EncryptedTextField(_("webhook signing secret"), blank=True)
    currencies = models.CharField(
        _("currencies"),
        max_length=200,
        default="USD",
        validators=[validate_currency_list],
        help_text=_("Comma-separated currency codes, e.g. USD,EUR."),
    )
    minimum_amount = models.DecimalField(
        _("minimum amount"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0.50"),
        validators=[MinValueValidator(Decimal(0))],
    )
    duplicate_window_minutes = models.PositiveIntegerField(
        _("duplicate window (minutes)"),
        default=10,
        validators=[MaxValueValidator(24 * 60)],
        help_text=_("The same card and amount again within this time is refused (CP3005)."),
    )
    reference_transactions_enabled = models.BooleanField(
        _("saved-method charges (reference transactions)"), default=True
    )
    recurring_enabled = models.BooleanField(_("recurring charges"), default=True)
    required_address_fields = models.CharField(
        _("required billing address fields"),
        max_length=200,
        blank=True,
        default="postal_code",
        validators=[validate_address_fields],
        help_text=_(
            "Card verification: comma-separated, from name, line1, city, state, "
            "postal_code, country."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name_plural = _("payment gateway accounts")
        verbose_name = _("payment gateway account")
        ordering = ["display_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "display_name"], name="gateway_account_name_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def currency_list(self) -> list[str]:
        return [code.upper() for code in _comma_list(self.currencies)]

    @property
    def required_address_field_list(self) -> list[str]:
        return _comma_list(self.required_address_fields)

    @property
    def secret_key_masked(self) -> str:
        return mask_secret(self.secret_key)

    @property
    def webhook_secret_masked(self) -> str:
        return mask_secret(self.webhook_secret)
