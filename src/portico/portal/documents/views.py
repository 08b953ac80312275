"""Portal: print view, PDF download, forward, attachments. Mounted under /portal/<org>/documents/.

Every view is wrapped by `@portal_view` and reads through `documents.selectors` with the scope:
another customer's or organisation's document is a 404, like a missing one.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portico.contacts.scope import Module, PortalScope
from portico.core import ratelimit
from portico.core.errors import DomainError
from portico.documents import (
    context,
    forms,
    links,
    pdf,
    rendering,
    responses,
    selectors,
    services,
    uploads,
)
from portico.documents.kinds import DocumentKind, kind_named
from portico.portal.scoping import client_ip, portal_view
from portico.statements import selectors as statement_selectors


def _urls(scope: PortalScope, kind: DocumentKind, document: Any) -> dict[str, str]:
    return {
        **links.portal_links(scope, document, kind),
        "brand_css_url": reverse("portal:brand_css", kwargs={"org_slug": scope.organisation.slug}),
    }


def _attachment_links(
    scope: PortalScope, kind: DocumentKind, document: Any
) -> list[dict[str, str]]:
    return [
        {
            "name": file.name or _("File"),
            "url": reverse(
                "portal:document_attachment",
                kwargs={"org_slug": scope.organisation.slug, "attachment_id": file.public_id},
            ),
        }
        for file in selectors.attachments_for_portal(scope=scope, kind=kind, document=document)
    ]


def _render_problem(request: HttpRequest, scope: PortalScope, error: DomainError) -> HttpResponse:
    status = 503 if error.code == "render_busy" else 422
    return render(
        request,
        "documents/portal_problem.html",
        {"scope": scope, "message": error.message},
        status=status,
    )


@responses.never_cached
@require_GET
@portal_view(link=True)
def document_print(
    request: HttpRequest, scope: PortalScope, kind: str, public_id: UUID
) -> HttpResponse:
    found = kind_named(kind)
    document = selectors.document_get_for_portal(scope=scope, kind=found, public_id=public_id)
    page = context.document_context(document, found, get_language())
    page.update(_urls(scope, found, document), toolbar=True, browser=True)
    page["attachments"] = _attachment_links(scope, found, document)
    if uploads.portal_upload_allowed(found) and not scope.is_link:
        page["upload_url"] = reverse(
            "portal:document_upload",
            kwargs={
                "org_slug": scope.organisation.slug,
                "kind": found.slug,
                "public_id": public_id,
            },
        )
    page["messages_list"] = list(messages.get_messages(request))
    return render(request, found.template, page)


@responses.never_cached
@require_GET
@portal_view(link=True)
@ratelimit.limited("pdf", methods=("GET",))
def document_pdf(
    request: HttpRequest, scope: PortalScope, kind: str, public_id: UUID
) -> HttpResponse:
    found = kind_named(kind)
    document = selectors.document_get_for_portal(scope=scope, kind=found, public_id=public_id)
    try:
        content = pdf.document_pdf(document, found, get_language())
    except DomainError as error:
        return _render_problem(request, scope, error)
    return responses.pdf_response(content, name=pdf.filename_for(found, document.number))


@responses.never_cached
@require_http_methods(["GET", "POST"])
@portal_view
def document_forward(
    request: HttpRequest, scope: PortalScope, kind: str, public_id: UUID
) -> HttpResponse:
    found = kind_named(kind)
    document = selectors.document_get_for_portal(scope=scope, kind=found, public_id=public_id)
    if not scope.preferences.allow_forwarding:
        return render(
            request,
            "documents/portal_problem.html",
            {"scope": scope, "message": _("Forwarding documents is switched off.")},
            status=404,
        )
    form = forms.ForwardForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                result = services.document_forward(
                    scope=scope,
                    kind=found,
                    document=document,
                    recipients=form.cleaned_data["recipients"],
                    message=form.cleaned_data["message"],
                    ip=client_ip(request),
                )
            except DomainError as error:
                form.add_error("recipients" if error.field == "recipients" else None, error.message)
                status = 429 if error.code == "rate_limited" else 400
            else:
                messages.success(
                    request,
                    _("%(title)s %(number)s was sent to %(addresses)s.")
                    % {
                        "title": found.title,
                        "number": document.number,
                        "addresses": ", ".join(result.sent_to),
                    },
                )
                return redirect(
                    reverse(
                        "portal:document_forward",
                        kwargs={
                            "org_slug": scope.organisation.slug,
                            "kind": found.slug,
                            "public_id": public_id,
                        },
                    )
                )
    page = {
        "scope": scope,
        "form": form,
        "kind": found,
        "document": document,
        **_urls(scope, found, document),
    }
    return render(request, "documents/portal_forward.html", page, status=status)


@responses.never_cached
@require_POST
@portal_view
@ratelimit.limited("upload")
def attachment_upload(
    request: HttpRequest, scope: PortalScope, kind: str, public_id: UUID
) -> HttpResponse:
    found = kind_named(kind)
    document = selectors.document_get_for_portal(scope=scope, kind=found, public_id=public_id)
    if not uploads.portal_upload_allowed(found):
        raise Http404("No such page.")
    urls = links.portal_links(scope, document, found)
    # The document's page posts `back=page`; the print view's form comes back to the print view.
    back = urls["back_url"] + "#files" if request.POST.get("back") == "page" else urls["print_url"]
    uploads.attach_posted_file(
        request,
        organisation=scope.organisation,
        kind=found,
        document=document,
        uploaded_by=f"person:{scope.person.pk}",
        show_in_portal=True,
    )
    return redirect(back)


@responses.never_cached
@require_GET
@portal_view(link=True)
def attachment_download(
    request: HttpRequest, scope: PortalScope, attachment_id: UUID
) -> HttpResponse:
    found = selectors.attachment_get_for_portal(scope=scope, public_id=attachment_id)
    return responses.attachment_response(found)


def _statement(scope: PortalScope, request: HttpRequest) -> Any:
    """The statement for the asked period, refused (clearly) when too long to print."""
    start, end = forms.PeriodForm(request.GET).period()
    statement = statement_selectors.statement_for(contact=scope.contact, start=start, end=end)
    rendering.check_size(len(statement.lines))
    return statement


@responses.never_cached
@require_GET
@portal_view(module=Module.STATEMENT)
def statement_print(request: HttpRequest, scope: PortalScope) -> HttpResponse:
    try:
        statement = _statement(scope, request)
    except DomainError as error:
        return _render_problem(request, scope, error)
    page = context.statement_context(statement, scope.organisation, get_language())
    slug = scope.organisation.slug
    page.update(
        toolbar=True,
        browser=True,
        brand_css_url=reverse("portal:brand_css", kwargs={"org_slug": slug}),
        # Back to the portal's statement page, on the same period.
        back_url=reverse("portal:statement", kwargs={"org_slug": slug})
        + f"?period=custom&start={statement.start:%Y-%m-%d}&end={statement.end:%Y-%m-%d}",
        pdf_url=reverse("portal:statement_pdf", kwargs={"org_slug": slug})
        + f"?start={statement.start:%Y-%m-%d}&end={statement.end:%Y-%m-%d}",
    )
    return render(request, "documents/statement.html", page)
