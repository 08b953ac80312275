"""Writes to users and memberships."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from portico.accounts.models import Membership, User, normalise_email
from portico.orgs.models import Organisation


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
