"""Reads of sales documents, each scoped to its principal first."""

from __future__ import annotations

from uuid import UUID

from django.http import Http404

from portico.orgs.models import Organisation
from portico.sales.models import Attachment


def attachment_get_for_staff(*, organisation: Organisation, attachment_id: UUID) -> Attachment:
    attachment = Attachment.objects.filter(
        organisation=organisation, public_id=attachment_id
    ).first()
    if attachment is None:
        raise Http404("No such attachment.")
    return attachment
