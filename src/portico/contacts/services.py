"""Writes to customers and their contact persons."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from portico.contacts.models import Contact, ContactPerson
from portico.core.errors import DomainError
from portico.orgs.models import Organisation


@transaction.atomic
def contact_create(
    *, organisation: Organisation, display_name: str, currency: str | None = None, **fields: Any
) -> Contact:
    contact = Contact(
        organisation=organisation,
        display_name=display_name,
        currency=currency or organisation.base_currency,
        **fields,
    )
    contact.full_clean()
    contact.save()
    return contact


UPDATABLE_CONTACT_FIELDS = frozenset({"display_name", "company_name", "email", "phone"})


@transaction.atomic
def contact_update(*, contact: Contact, **changes: Any) -> Contact:
    """Change a customer's own fields (validated like the back office's form)."""
    unknown = set(changes) - UPDATABLE_CONTACT_FIELDS
    if unknown:
        raise DomainError(f"{sorted(unknown)[0]} cannot be changed here.", code="not_updatable")
    for name, value in changes.items():
        setattr(contact, name, value)
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def contact_person_create(
    *, contact: Contact, first_name: str, email: str = "", **fields: Any
) -> ContactPerson:
    # The primary person gets documents by email unless told otherwise.
    fields.setdefault("receives_documents", bool(fields.get("is_primary")))
    person = ContactPerson(
        organisation_id=contact.organisation_id,
        contact=contact,
        first_name=first_name,
        email=email.strip(),
        **fields,
    )
    if person.is_primary:
        ContactPerson.objects.filter(contact=contact, is_primary=True).update(is_primary=False)
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def contact_delete_many(*, contacts: QuerySet[Contact]) -> int:
    return contacts.filter(is_deleted=False).update(is_deleted=True, deleted_at=timezone.now())


@transaction.atomic
def contact_restore_many(*, contacts: QuerySet[Contact]) -> int:
    return contacts.filter(is_deleted=True).update(is_deleted=False, deleted_at=None)


UPDATABLE_PERSON_FIELDS = frozenset({"first_name", "last_name", "email", "phone", "is_primary"})


@transaction.atomic
def contact_person_update(*, person: ContactPerson, **changes: Any) -> ContactPerson:
    """Change a contact person's own fields; one primary person per customer."""
    unknown = set(changes) - UPDATABLE_PERSON_FIELDS
    if unknown:
        raise DomainError(f"{sorted(unknown)[0]} cannot be changed here.", code="not_updatable")
    for name, value in changes.items():
        setattr(person, name, value.strip() if isinstance(value, str) else value)
    if changes.get("is_primary"):
        ContactPerson.objects.filter(contact_id=person.contact_id, is_primary=True).exclude(
            pk=person.pk
        ).update(is_primary=False)
    person.full_clean()
    person.save()
    return person
