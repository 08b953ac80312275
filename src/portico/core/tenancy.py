"""Base classes for rows that belong to one organisation."""

from __future__ import annotations

import uuid
from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404

M = TypeVar("M", bound=models.Model)


class PublicIdModel(models.Model):
    """A row addressed from outside by an opaque UUID, never by its primary key."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class OrganisationOwned(PublicIdModel):
    """Every business row carries its organisation; every query filters by it first."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+", editable=False
    )

    class Meta:
        abstract = True


def organisation_path(model: type[models.Model]) -> str | None:
    """The lookup from `model` to its organisation, or None for rows that belong to none.

    Models that reach their organisation through a parent (document lines, say) declare
    `ORGANISATION_PATH = "document__organisation"`.
    """
    declared = getattr(model, "ORGANISATION_PATH", None)
    if declared:
        return str(declared)
    if model._meta.label_lower == "orgs.organisation":
        return "pk"
    field_names = {field.name for field in model._meta.get_fields()}
    if "organisation" in field_names:
        return "organisation"
    return None


def scope_to_organisation(
    queryset: models.QuerySet[models.Model], organisation: models.Model | None
) -> models.QuerySet[models.Model]:
    """Filter any queryset to one organisation; no organisation means no rows."""
    path = organisation_path(queryset.model)
    if path is None:
        return queryset
    if organisation is None:
        return queryset.none()
    return queryset.filter(**{path: organisation.pk if path == "pk" else organisation})


def ensure_same_organisation(*objects: object) -> None:
    """Refuse to join rows of two organisations in one write."""
    from portico.core.errors import DomainError

    organisations = {getattr(o, "organisation_id", None) for o in objects if o is not None}
    organisations.discard(None)
    if len(organisations) > 1:
        raise DomainError("These records belong to different organisations.", code="foreign_record")


def get_for_scope(
    queryset: models.QuerySet[M], public_id: uuid.UUID | str, *, message: str = "No such document."
) -> M:
    """The row of an already scoped `queryset` with this public id.

    Missing, foreign (filtered out by the scope) and malformed ids are the same 404, so the
    answer never confirms that another customer's row exists.
    """
    key = public_id_or_404(public_id, message=message)
    try:
        return queryset.get(public_id=key)
    except ObjectDoesNotExist:
        raise Http404(message) from None


def public_id_or_404(
    public_id: uuid.UUID | str, *, message: str = "No such document."
) -> uuid.UUID:
    """`public_id` as a UUID; a malformed one is the same 404 as a missing row."""
    try:
        return public_id if isinstance(public_id, uuid.UUID) else uuid.UUID(str(public_id))
    except ValueError:
        raise Http404(message) from None
