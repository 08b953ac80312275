"""Back office: the same print views and PDFs for staff, plus Send (email to the customer) and
attachments. Mounted at /backoffice/documents/; every lookup is scoped by the organisation
`@staff_view` hands over (from the staff membership), and non-staff get a 404.

A statement's PDF is the portal's (`documents.statement_pdfs`, kept per customer, period,
language and ledger version): a short one downloads at once, a long one is rendered by the
worker while its page here shows progress, then the download, and can be emailed to one of the
customer's persons."""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portico.backoffice.forms import SendForm, StatementEmailForm
from portico.backoffice.sites import site
from portico.backoffice.staff import StaffRequest, staff_view
from portico.contacts.models import ContactPerson
from portico.core.errors import DomainError
from portico.core.middleware import in_admin_shell
from portico.documents import (
    context,
    forms,
    pdf,
    rendering,
    responses,
    selectors,
    sending,
    statement_pdfs,
    uploads,
)
from portico.documents.kinds import DocumentKind, kind_named
from portico.documents.models import StatementPdf
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
        email_url=reverse("backoffice_documents:send", kwargs=kwargs)
        if found.slug in sending.SENDABLE
        else "",
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


def _change_url(document: Any) -> str:
    meta = document._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[document.pk])


@staff_view
@require_http_methods(["GET", "POST"])
def document_send(
    request: StaffRequest, organisation: Organisation, kind: str, public_id: UUID
) -> HttpResponse:
    """Send: choose recipients, cc, subject and message, then email the document."""
    found = kind_named(kind)
    if found.slug not in sending.SENDABLE:
        raise Http404("No such document.")
    document = selectors.document_get_for_staff(
        organisation=organisation, kind=found, public_id=public_id
    )
    persons = sending.recipient_choices(document)
    wording = sending.wording_for(organisation=organisation, kind=found.slug)
    back = _change_url(document)
    if request.method == "POST":
        form = SendForm(request.POST, persons=persons)
        if form.is_valid():
            data = form.cleaned_data
            # Unchanged built-in wording is left to the service: it follows each reader's language.
            same = not wording.custom and (data["subject"], _lines(data["message"])) == (
                wording.subject,
                _lines(wording.message),
            )
            try:
                result = sending.document_send(
                    organisation=organisation,
                    document=document,
                    sent_by=request.user,
                    persons=list(data["persons"]),
                    cc=form.cc_addresses(),
                    subject=None if same else data["subject"],
                    message=None if same else data["message"],
                    attach_pdf=data["attach_pdf"],
                    key=data["key"],
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                if result.sent_now:
                    messages.success(
                        request,
                        _("%(title)s %(number)s was sent to %(addresses)s.")
                        % {
                            "title": found.title,
                            "number": result.record.number,
                            "addresses": ", ".join(result.record.addresses),
                        },
                    )
                else:
                    messages.info(request, _("This was already sent; it was not sent again."))
                return redirect(back)
    else:
        form = SendForm(
            initial={
                "persons": [p.pk for p in sending.default_recipients(document)],
                "subject": wording.subject,
                "message": wording.message,
                "attach_pdf": True,
                "key": uuid.uuid4().hex,
            },
            persons=persons,
        )
    context = {
        **site.each_context(request),
        "title": _("Send %(title)s %(number)s") % {"title": found.title, "number": document.number},
        "form": form,
        "kind": found,
        "document": document,
        "back_url": back,
        "print_url": reverse("backoffice_documents:print", kwargs=_kwargs(found, public_id)),
        "no_persons": not persons,
        "is_draft": getattr(document, "status", "") == "draft",
        "history": sending.send_history(organisation=organisation, document=document),
    }
    response = render(
        request, "backoffice/documents/send.html", context, status=400 if form.errors else 200
    )
    return in_admin_shell(response)


def _lines(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


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
    """The PDF of the period in the customer's language: the kept one, or a short one rendered
    now; else its page, while the worker renders it."""
    contact = selectors.contact_get_for_staff(organisation=organisation, public_id=contact_id)
    start, end = forms.PeriodForm(request.GET).period()
    try:
        job = statement_pdfs.statement_pdf_prepare(
            organisation=organisation,
            contact=contact,
            start=start,
            end=end,
            language=context.language_of(contact),
        )
    except DomainError as error:
        return _problem(request, error)
    if job.status == StatementPdf.Status.READY:
        return statement_pdfs.statement_pdf_response(job, customer=True)
    return redirect(_statement_pdf_url(job))


def _statement_pdf_url(job: StatementPdf, action: str = "") -> str:
    name = f"backoffice_documents:statement_pdf_{action or 'status'}"
    return reverse(name, kwargs={"statement_pdf_id": job.public_id})


def _statement_pdf_page(
    request: StaffRequest,
    job: StatementPdf,
    persons: list[ContactPerson],
    form: StatementEmailForm,
) -> HttpResponse:
    contact = job.contact
    period = f"?start={job.start:%Y-%m-%d}&end={job.end:%Y-%m-%d}"
    asked = [p for p in persons if p.pk in job.email_to]
    page = {
        **site.each_context(request),
        "title": _("Statement PDF: %(customer)s") % {"customer": contact.display_name},
        "job": job,
        "contact": contact,
        "status_url": _statement_pdf_url(job),
        "download_url": _statement_pdf_url(job, "download"),
        "email_url": _statement_pdf_url(job, "email"),
        "retry_url": reverse(
            "backoffice_documents:statement_pdf", kwargs={"contact_id": contact.public_id}
        )
        + period,
        "print_url": reverse(
            "backoffice_documents:statement_print", kwargs={"contact_id": contact.public_id}
        )
        + period,
        "back_url": reverse("admin:contacts_contact_change", args=[contact.pk]),
        "emailed_to": ", ".join(f"{p.full_name} <{p.email}>" for p in asked),
        "form": form,
        "can_email": request.membership.can_write,
        "no_persons": not persons,
    }
    status = 400 if form.errors else 200
    response = render(request, "backoffice/documents/statement_pdf.html", page, status=status)
    return in_admin_shell(statement_pdfs.refreshing_while_preparing(response, job))


@staff_view
@require_GET
def statement_pdf_status(
    request: StaffRequest, organisation: Organisation, statement_pdf_id: UUID
) -> HttpResponse:
    """The statement's page: being prepared (it refreshes itself), ready, or failed."""
    job = statement_pdfs.statement_pdf_get_for_staff(
        organisation=organisation, public_id=statement_pdf_id
    )
    persons = sending.recipient_choices(job)
    form = StatementEmailForm(
        initial={"person": next(iter(sending.default_recipients(job)), None)}, persons=persons
    )
    return _statement_pdf_page(request, job, persons, form)


@staff_view
@require_GET
def statement_pdf_download(
    request: StaffRequest, organisation: Organisation, statement_pdf_id: UUID
) -> HttpResponse:
    job = statement_pdfs.statement_pdf_get_for_staff(
        organisation=organisation, public_id=statement_pdf_id
    )
    if job.status != StatementPdf.Status.READY:
        return redirect(_statement_pdf_url(job))
    return statement_pdfs.statement_pdf_response(job, customer=True)


@staff_view
@require_POST
def statement_pdf_email(
    request: StaffRequest, organisation: Organisation, statement_pdf_id: UUID
) -> HttpResponse:
    """Email the statement to one of the customer's persons, now or when it is ready (once per
    statement and person, however often asked)."""
    job = statement_pdfs.statement_pdf_get_for_staff(
        organisation=organisation, public_id=statement_pdf_id
    )
    persons = sending.recipient_choices(job)
    form = StatementEmailForm(request.POST, persons=persons)
    if not form.is_valid():
        return _statement_pdf_page(request, job, persons, form)
    person = form.cleaned_data["person"]
    statement_pdfs.statement_pdf_email(job=job, person=person)
    messages.success(request, statement_pdfs.emailed_notice(job, person))
    return redirect(_statement_pdf_url(job))
