"""Portal: the statement's PDF. A short one downloads at once; a long one is prepared by the
worker while its page shows progress (the page refreshes itself with a `Refresh` header, no
script), then offers the download, and can be emailed to the person when ready.
"""

from __future__ import annotations

from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portico.contacts.scope import Module, PortalScope
from portico.core import ratelimit
from portico.core.errors import DomainError
from portico.documents import forms, responses, statement_pdfs
from portico.documents.models import StatementPdf
from portico.portal.scoping import portal_view


def _status_url(scope: PortalScope, job: StatementPdf, action: str = "") -> str:
    name = f"portal:statement_pdf_{action or 'status'}"
    return reverse(
        name, kwargs={"org_slug": scope.organisation.slug, "statement_pdf_id": job.public_id}
    )


def _problem(request: HttpRequest, scope: PortalScope, error: DomainError) -> HttpResponse:
    return render(
        request,
        "documents/portal_problem.html",
        {"scope": scope, "message": error.message},
        status=422,
    )


@responses.never_cached
@require_GET
@portal_view(module=Module.STATEMENT)
@ratelimit.limited("pdf", methods=("GET",))
def statement_pdf(request: HttpRequest, scope: PortalScope) -> HttpResponse:
    """The PDF of the period: the kept one, or a short one rendered now; else its page."""
    start, end = forms.PeriodForm(request.GET).period()
    try:
        job = statement_pdfs.statement_pdf_prepare(
            organisation=scope.organisation,
            contact=scope.contact,
            start=start,
            end=end,
            language=get_language() or "en",
        )
    except DomainError as error:
        return _problem(request, scope, error)
    if job.status == StatementPdf.Status.READY:
        return statement_pdfs.statement_pdf_response(job)
    return redirect(_status_url(scope, job))


@responses.never_cached
@require_GET
@portal_view(module=Module.STATEMENT)
def statement_pdf_status(
    request: HttpRequest, scope: PortalScope, statement_pdf_id: UUID
) -> HttpResponse:
    job = statement_pdfs.statement_pdf_get_for_portal(scope=scope, public_id=statement_pdf_id)
    period = urlencode({"start": job.start.isoformat(), "end": job.end.isoformat()})
    slug = scope.organisation.slug
    page = {
        "scope": scope,
        "job": job,
        "status_url": _status_url(scope, job),
        "download_url": _status_url(scope, job, "download"),
        "email_url": _status_url(scope, job, "email"),
        "asked_by_email": scope.person.pk in job.email_to,
        "retry_url": f"{reverse('portal:statement_pdf', kwargs={'org_slug': slug})}?{period}",
        "back_url": f"{reverse('portal:statement', kwargs={'org_slug': slug})}"
        f"?period=custom&{period}",
    }
    response = render(request, "portal/pages/statement_pdf.html", page)
    return statement_pdfs.refreshing_while_preparing(response, job)


@responses.never_cached
@require_GET
@portal_view(module=Module.STATEMENT)
@ratelimit.limited("pdf", methods=("GET",))
def statement_pdf_download(
    request: HttpRequest, scope: PortalScope, statement_pdf_id: UUID
) -> HttpResponse:
    job = statement_pdfs.statement_pdf_get_for_portal(scope=scope, public_id=statement_pdf_id)
    if job.status != StatementPdf.Status.READY:
        return redirect(_status_url(scope, job))
    return statement_pdfs.statement_pdf_response(job)


@responses.never_cached
@require_POST
@portal_view(module=Module.STATEMENT)
def statement_pdf_email(
    request: HttpRequest, scope: PortalScope, statement_pdf_id: UUID
) -> HttpResponse:
    job = statement_pdfs.statement_pdf_get_for_portal(scope=scope, public_id=statement_pdf_id)
    if statement_pdfs.statement_pdf_email(job=job, person=scope.person):
        messages.success(request, statement_pdfs.emailed_notice(job, scope.person))
    else:
        messages.error(request, _("Add an email address to your details to have it emailed."))
    return redirect(_status_url(scope, job))
