"""The upload step both the portal and the back office take: vet, store, tell the person."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext as _

from portico.core import uploads
from portico.core.errors import DomainError
from portico.documents import forms, services
from portico.documents.kinds import DocumentKind
from portico.orgs.models import Organisation

PORTAL_UPLOAD_KINDS = frozenset({"estimate", "invoice", "retainer-invoice"})
"""The documents a customer may attach files to from the portal."""


def portal_upload_allowed(kind: DocumentKind) -> bool:
    return kind.slug in PORTAL_UPLOAD_KINDS


def attach_posted_file(
    request: HttpRequest,
    *,
    organisation: Organisation,
    kind: DocumentKind,
    document: Any,
    uploaded_by: str,
    show_in_portal: bool | None = None,
) -> None:
    """Store the posted file on `document`; `show_in_portal=None` lets the form decide."""
    form_class = forms.AttachmentForm if show_in_portal is not None else forms.StaffAttachmentForm
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
        return
    try:
        checked = uploads.check_upload(form.cleaned_data["file"])
        services.attachment_add(
            organisation=organisation,
            kind=kind,
            document=document,
            checked=checked,
            show_in_portal=(
                show_in_portal
                if show_in_portal is not None
                else form.cleaned_data["show_in_portal"]
            ),
            uploaded_by=uploaded_by,
        )
    except DomainError as error:
        messages.error(request, error.message)
        return
    messages.success(request, _("The file was attached."))
