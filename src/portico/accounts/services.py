"""Writes to users and memberships."""

from __future__ import annotations

import zoneinfo
from decimal import Decimal, InvalidOperation

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portico.accounts.models import Membership, User, normalise_email
from portico.core import audit
from portico.core.errors import DomainError
from portico.core.timezones import supported_language
from portico.orgs import services as org_services
from portico.orgs.models import Organisation, Tax


@transaction.atomic
def staff_add(
    *, organisation: Organisation, email: str, role: str, password: str | None, full_name: str = ""
) -> Membership:
    """Give `email` back-office access to `organisation`, creating the user when new."""
    user = User.objects.filter(email=normalise_email(email)).first()
    if user is None:
        user = User(email=normalise_email(email), full_name=full_name, is_staff=True)
        user.full_clean(exclude=["password"])
        if password:
            validate_password(password, user)
        user.set_password(password)
        user.save()
    elif not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    membership, _ = Membership.objects.update_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    return membership


@transaction.atomic
def organisation_setup(
    *,
    name: str,
    slug: str,
    owner_email: str,
    owner_password: str | None,
    owner_name: str = "",
    currency: str = "USD",
    country: str = "",
    time_zone: str = "UTC",
    tax_name: str = "",
    tax_rate: str = "0",
) -> Membership:
    """A new organisation, its default tax and its owner, all or nothing.

    Every value is checked before anything is written; the errors name the option that was
    wrong ("slug: An organisation with this portal address already exists.").
    """
    errors: dict[str, list[str]] = {}
    if time_zone not in zoneinfo.available_timezones():
        errors["time_zone"] = [f"{time_zone!r} is not a time zone (e.g. Europe/Berlin)."]
    try:
        rate = Decimal(tax_rate)
        if not rate.is_finite() or not Decimal(0) <= rate <= Decimal(100):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["tax_rate"] = ["A tax rate is a number between 0 and 100."]
        rate = Decimal(0)
    if errors:
        raise ValidationError(errors)
    organisation = org_services.organisation_create(
        name=name,
        slug=slug,
        primary_email=owner_email,
        base_currency=currency,
        country=country,
        timezone=time_zone,
    )
    tax = Tax(organisation=organisation, name=tax_name or "No tax", rate=rate, is_default=True)
    tax.full_clean()
    tax.save()
    return staff_add(
        organisation=organisation,
        email=owner_email,
        role=Membership.Role.OWNER,
        password=owner_password,
        full_name=owner_name,
    )


def staff_language_set(*, user: User, language: str) -> User:
    """A staff member's own language for the back office and their notifications ("" = the
    organisation's); a code Portico does not speak is refused."""
    language = language.strip()
    if language and supported_language(language) != language:
        raise DomainError(_("Choose a language from the list."), code="language", field="language")
    user.language = language
    user.save(update_fields=["language"])
    return user


@transaction.atomic
def password_change(*, user: User, password: str) -> User:
    """A login's new password (already validated by the form that asked for it), kept in the
    audit trail of each organisation the login belongs to; the password itself never is."""
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record_for_user("password_changed", user_id=user.pk)
    return user
