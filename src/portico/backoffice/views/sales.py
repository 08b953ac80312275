"""Staff download of document attachments (the portal serves its own, filtered by scope)."""

from __future__ import annotations

from uuid import UUID

from django.http import FileResponse

from portico.backoffice.staff import StaffRequest, staff_view
from portico.orgs.models import Organisation
from portico.sales import selectors


@staff_view
def attachment_download(
    request: StaffRequest, organisation: Organisation, attachment_id: UUID
) -> FileResponse:
    attachment = selectors.attachment_get_for_staff(
        organisation=organisation, attachment_id=attachment_id
    )
    name = attachment.name or str(attachment.file.name).rsplit("/", 1)[-1]
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=name)
