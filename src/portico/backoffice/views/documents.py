"""Back office: the same print views and PDFs for staff, plus "email to the customer" and
attachments. Mounted at /backoffice/documents/; every lookup is scoped by the organisation
`@staff_view` hands over (from the staff membership), and non-staff get a 404."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portico.backoffice.staff import StaffRequest, staff_view
from portico.core.errors import DomainError
from portico.documents import (
    context,
    forms,
    pdf,
    rendering,
    responses,
    selectors,
    services,
    uploads,
)
from portico.documents.kinds import DocumentKind, kind_named
from portico.orgs.models import Organisation
from portico.statements import selectors as statement_selectors


def _kwargs(kind: DocumentKind, public_id: UUID) -> dict[str, Any]:
    return {"kind": kind.slug, "public_id": public_id}


def _problem(request: HttpRequest, error: DomainError) -> HttpResponse:
    status = 503 if error.code == "render_busy" else 422
    return HttpResponse(error.message, status=status, content_type="text/plain; charset=utf-8")


@staff_view
@require_GET
def document_print(
    request: StaffRequest, organisation: Organisation, kind: str, public_id: UUID
) -> HttpResponse:
    found = kind_named(kind)
    document = selectors.document_get_for_staff(
        organisation=organisation, kind=found, public_id=public_id
    )
    page = context.document_context(document, found)
    kwargs = _kwargs(found, public_id)
    page.update(
        toolbar=True,
        browser=True,
        back_url=reverse("admin:index"),
        pdf_url=reverse("backoffice_documents:pdf", kwargs=kwargs),
        email_url=reverse("backoffice_documents:email", kwargs=kwargs),
        attachments=[
            {
                "name": file.name or _("File"),
                "url": reverse(
                    "backoffice_documents:file", kwargs={"attachment_id": file.public_id}
                ),
            }
            for file in selectors.attachments_for_staff(
                organisation=organisation, kind=found, document=document
            )
        ],
        messages_list=list(messages.get_messages(request)),
    )
    if found.attachment_field:
        page.update(
            upload_url=reverse("backoffice_documents:upload", kwargs=kwargs),
            show_in_portal_choice=True,
        )
    return render(request, found.template, page)


@staff_view
@require_GET
def document_pdf(
    request: StaffRequest, organisation: Organisation, kind: str, public_id: UUID
) -> HttpResponse:
    found = kind_named(kind)
    document = selectors.document_get_for_staff(
        organisation=organisation, kind=found, public_id=public_id
    )
    try:
        content = pdf.document_pdf(document, found)
    except DomainError as error:
        return _problem(request, error)
    return responses.pdf_response(content, name=pdf.filename_for(found, document.number))


@staff_view
def document_email(
    request: StaffRequest, organisation: Organisation, kind: str, public_id: UUID
) -> HttpResponse:
    """GET asks to confirm; POST emails the PDF to the customer's contact persons."""
    found = kind_named(kind)
    document = selectors.document_get_for_staff(
        organisation=organisation, kind=found, public_id=public_id
    )
    back = reverse("backoffice_documents:print", kwargs=_kwargs(found, public_id))
    if request.method != "POST":
        return render(
            request,
            "backoffice/documents/email_confirm.html",
            {"kind": found, "document": document, "back_url": back},
        )
    try:
        sent = services.document_email_to_contacts(
            organisation=organisation,
            kind=found,
            document=document,
            sent_by=request.user,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Emailed to %(addresses)s.") % {"addresses": ", ".join(sent)})
    return redirect(back)


@staff_view
@require_POST
def attachment_upload(
    request: StaffRequest, organisation: Organisation, kind: str, public_id: UUID
) -> HttpResponse:
    found = kind_named(kind)
    document = selectors.document_get_for_staff(
        organisation=organisation, kind=found, public_id=public_id
    )
    back = reverse("backoffice_documents:print", kwargs=_kwargs(found, public_id))
    uploads.attach_posted_file(
        request,
        organisation=organisation,
        kind=found,
        document=document,
        uploaded_by=f"user:{request.user.pk}",
    )
    return redirect(back)


@staff_view
@require_GET
def attachment_download(
    request: StaffRequest, organisation: Organisation, attachment_id: UUID
) -> HttpResponse:
    found = selectors.attachment_get_for_staff(organisation=organisation, public_id=attachment_id)
    return responses.attachment_response(found)


@staff_view
@require_GET
def statement_print(
    request: StaffRequest, organisation: Organisation, contact_id: UUID
) -> HttpResponse:
    contact = selectors.contact_get_for_staff(organisation=organisation, public_id=contact_id)
    start, end = forms.PeriodForm(request.GET).period()
    try:
        statement = statement_selectors.statement_for(contact=contact, start=start, end=end)
        rendering.check_size(len(statement.lines))
    except DomainError as error:
        return _problem(request, error)
    page = context.statement_context(statement, organisation)
    pdf_url = reverse("backoffice_documents:statement_pdf", kwargs={"contact_id": contact_id})
    page.update(
        toolbar=True,
        browser=True,
        back_url=reverse("admin:index"),
        pdf_url=f"{pdf_url}?start={start:%Y-%m-%d}&end={end:%Y-%m-%d}",
    )
    return render(request, "documents/statement.html", page)


@staff_view
@require_GET
def statement_pdf(
    request: StaffRequest, organisation: Organisation, contact_id: UUID
) -> HttpResponse:
    contact = selectors.contact_get_for_staff(organisation=organisation, public_id=contact_id)
    start, end = forms.PeriodForm(request.GET).period()
    try:
        statement = statement_selectors.statement_for(contact=contact, start=start, end=end)
        content = pdf.statement_pdf(statement, organisation)
    except DomainError as error:
        return _problem(request, error)
    return responses.pdf_response(
        content, name=f"statement-{contact.display_name}-{start:%Y-%m-%d}-{end:%Y-%m-%d}"
    )
