"""Staff download of document attachments (the portal serves its own, filtered by scope)."""

from __future__ import annotations

from uuid import UUID

from django.http import FileResponse, Http404, HttpRequest

from portico.sales import selectors


def attachment_download(request: HttpRequest, attachment_id: UUID) -> FileResponse:
    organisation = getattr(request, "organisation", None)
    if organisation is None:
        raise Http404("No such attachment.")
    attachment = selectors.attachment_get_for_staff(
        organisation=organisation, attachment_id=attachment_id
    )
    name = attachment.name or str(attachment.file.name).rsplit("/", 1)[-1]
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=name)
