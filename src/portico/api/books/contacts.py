"""Customers and their contact persons, and their portal access."""

from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from portico.activity import invitations
from portico.api.books.common import ERRORS, organisation_of, principal
from portico.api.idempotency import idempotent
from portico.api.pagination import Paged, PageParams, answer, paginate
from portico.api.schemas import Input, Secret, SingleLine
from portico.contacts import selectors, services
from portico.contacts.models import Contact, ContactPerson

router = Router(tags=["books: contacts"])


class ContactOut(Schema):
    id: UUID
    display_name: str
    company_name: str
    email: str
    phone: str
    currency: str
    updated_at: datetime.datetime


class ContactIn(Input):
    display_name: SingleLine = Field(min_length=1, max_length=200)
    company_name: SingleLine = Field("", max_length=200)
    email: SingleLine = Field("", max_length=254)
    phone: SingleLine = Field("", max_length=50)
    currency: SingleLine | None = Field(None, min_length=3, max_length=3)


class ContactPatch(Input):
    display_name: SingleLine | None = Field(None, min_length=1, max_length=200)
    company_name: SingleLine | None = Field(None, max_length=200)
    email: SingleLine | None = Field(None, max_length=254)
    phone: SingleLine | None = Field(None, max_length=50)


class PersonOut(Schema):
    id: UUID
    contact: UUID
    first_name: str
    last_name: str
    email: str
    is_primary: bool
    portal_status: str
    portal_role: str


class PersonIn(Input):
    first_name: SingleLine = Field(min_length=1, max_length=100)
    last_name: SingleLine = Field("", max_length=100)
    email: SingleLine = Field("", max_length=254)
    phone: SingleLine = Field("", max_length=50)
    is_primary: bool = False


class ContactListParams(PageParams):
    search: SingleLine = Field("", max_length=100)


def contact_out(contact: Contact) -> dict[str, Any]:
    return {
        "id": contact.public_id,
        "display_name": contact.display_name,
        "company_name": contact.company_name,
        "email": contact.email,
        "phone": contact.phone,
        "currency": contact.currency,
        "updated_at": contact.updated_at,
    }


def person_out(person: ContactPerson) -> dict[str, Any]:
    return {
        "id": person.public_id,
        "contact": person.contact.public_id,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "is_primary": person.is_primary,
        "portal_status": person.portal_status,
        "portal_role": person.portal_role,
    }


@router.get("/contacts", response={200: Paged[ContactOut], **ERRORS})
def contact_list(request: HttpRequest, params: Query[ContactListParams]) -> dict[str, Any]:
    contacts = selectors.contacts_for_staff(organisation=organisation_of(request))
    if params.search:
        contacts = contacts.filter(display_name__icontains=params.search)
    if params.updated_since is not None:
        contacts = contacts.filter(updated_at__gte=params.updated_since)
    return answer(paginate(contacts.order_by("display_name", "id"), params), contact_out)


@router.post("/contacts", response={201: ContactOut, **ERRORS})
@idempotent(principal)
def contact_create(request: HttpRequest, payload: ContactIn) -> Status[Any]:
    contact = services.contact_create(
        organisation=organisation_of(request), **payload.model_dump(exclude_none=True)
    )
    return Status(201, contact_out(contact))


@router.get("/contacts/{contact_id}", response={200: ContactOut, **ERRORS})
def contact_detail(request: HttpRequest, contact_id: str) -> dict[str, Any]:
    organisation = organisation_of(request)
    return contact_out(
        selectors.contact_get_for_staff(organisation=organisation, contact_id=contact_id)
    )


@router.patch("/contacts/{contact_id}", response={200: ContactOut, **ERRORS})
def contact_update(request: HttpRequest, contact_id: str, payload: ContactPatch) -> dict[str, Any]:
    organisation = organisation_of(request)
    contact = selectors.contact_get_for_staff(organisation=organisation, contact_id=contact_id)
    contact = services.contact_update(contact=contact, **payload.model_dump(exclude_none=True))
    return contact_out(contact)


@router.delete("/contacts/{contact_id}", response={204: None, **ERRORS})
def contact_delete(request: HttpRequest, contact_id: str) -> Status[None]:
    organisation = organisation_of(request)
    contact = selectors.contact_get_for_staff(organisation=organisation, contact_id=contact_id)
    services.contact_delete_many(
        contacts=selectors.contacts_for_staff(organisation=organisation).filter(pk=contact.pk)
    )
    return Status(204, None)


@router.post("/contacts/{contact_id}/persons", response={201: PersonOut, **ERRORS})
@idempotent(principal)
def person_create(request: HttpRequest, contact_id: str, payload: PersonIn) -> Status[Any]:
    organisation = organisation_of(request)
    contact = selectors.contact_get_for_staff(organisation=organisation, contact_id=contact_id)
    person = services.contact_person_create(contact=contact, **payload.model_dump())
    return Status(201, person_out(person))


class PortalEnableIn(Input):
    password: Secret | None = Field(None, max_length=200)
    send_invite: bool = True
    role: str | None = Field(None, pattern="^(full|billing|projects)$")


@router.post("/persons/{person_id}/portal/enable", response={200: PersonOut, **ERRORS})
def person_portal_enable(
    request: HttpRequest, person_id: str, payload: PortalEnableIn
) -> dict[str, Any]:
    organisation = organisation_of(request)
    person = selectors.person_get_for_staff(organisation=organisation, person_id=person_id)
    person = invitations.portal_access_enable(
        person=person,
        password=payload.password if payload.password else None,
        role=payload.role,
        send_invite=payload.send_invite,
    )
    return person_out(person)


@router.post("/persons/{person_id}/portal/reinvite", response={200: PersonOut, **ERRORS})
def person_portal_reinvite(request: HttpRequest, person_id: str) -> dict[str, Any]:
    organisation = organisation_of(request)
    person = selectors.person_get_for_staff(organisation=organisation, person_id=person_id)
    return person_out(invitations.portal_access_reinvite(person=person))


@router.post("/persons/{person_id}/portal/disable", response={200: PersonOut, **ERRORS})
def person_portal_disable(request: HttpRequest, person_id: str) -> dict[str, Any]:
    organisation = organisation_of(request)
    person = selectors.person_get_for_staff(organisation=organisation, person_id=person_id)
    invitations.portal_access_disable(person=person)
    return person_out(person)
