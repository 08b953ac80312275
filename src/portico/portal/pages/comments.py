"""Comments on estimates, invoices, sales orders and timesheet approvals.

A POST adds one; htmx gets the refreshed thread back, a plain form post goes back to the page.
"""

from __future__ import annotations

import posixpath
from uuid import UUID

from django.contrib import messages
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portico.activity import selectors as activity_selectors
from portico.activity import services as activity_services
from portico.contacts.scope import Module, PortalScope
from portico.core import ratelimit
from portico.core.errors import DomainError
from portico.portal.pages import common, documents
from portico.portal.pages.forms import CommentForm
from portico.portal.scoping import portal_view
from portico.projects import selectors as project_selectors
from portico.sales import portal_selectors as selectors


def _add(request: HttpRequest, scope: PortalScope, target: Model) -> HttpResponse:
    if not ratelimit.hit("comment", *ratelimit.request_keys(request)):
        return ratelimit.too_many(request, "comment")
    form = CommentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data.get("file") or None
        try:
            activity_services.comment_add_from_portal(
                scope=scope,
                target=target,  # type: ignore[arg-type]
                body=form.cleaned_data["body"],
                origin=common.origin_of(request),
                file=upload,
            )
        except DomainError as error:
            if error.field == "file" and upload is not None:
                error = _refused_file(error, upload.name or "")
            if not common.apply_error(form, error):
                form.add_error(None, error.message)
    back = documents.detail_url(scope, target) + "#comments"
    if getattr(request, "htmx", None):
        context = common.page_context(
            scope,
            comments=activity_selectors.comments_for_portal(scope=scope, target=target),
            comment_form=CommentForm() if form.is_valid() else form,
            comment_url=documents.comment_url(scope, target),
        )
        # htmx 2 swaps no 4xx answer, so a refusal is a 200 carrying the form's errors.
        return render(request, "portal/pages/_comments.html", context)
    if form.is_valid():
        messages.success(request, _("Your comment was posted."))
    else:
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        messages.error(request, " ".join(errors))
    return HttpResponseRedirect(back)


def _refused_file(error: DomainError, name: str) -> DomainError:
    """Name the refused file and say that the comment was not posted either."""
    message = _("“%(name)s” was not attached and your comment is not posted yet. %(reason)s") % {
        "name": posixpath.basename(name.replace("\\", "/"))[:80],
        "reason": error.message,
    }
    return DomainError(message, code=error.code, field=error.field)


@portal_view(module=Module.INVOICES, link=True)
@require_POST
def invoice_comment(request: HttpRequest, scope: PortalScope, invoice_id: UUID) -> HttpResponse:
    invoice = selectors.invoice_find_for_portal(scope=scope, invoice_id=invoice_id)
    return _add(request, scope, invoice)


@portal_view(module=Module.ESTIMATES, link=True)
@require_POST
def estimate_comment(request: HttpRequest, scope: PortalScope, estimate_id: UUID) -> HttpResponse:
    estimate = selectors.estimate_find_for_portal(scope=scope, estimate_id=estimate_id)
    return _add(request, scope, estimate)


@portal_view(module=Module.SALES_ORDERS, link=True)
@require_POST
def sales_order_comment(
    request: HttpRequest, scope: PortalScope, sales_order_id: UUID
) -> HttpResponse:
    order = selectors.sales_order_find_for_portal(scope=scope, sales_order_id=sales_order_id)
    return _add(request, scope, order)


@portal_view(module=Module.TIMESHEETS)
@require_POST
def timesheet_comment(request: HttpRequest, scope: PortalScope, approval_id: UUID) -> HttpResponse:
    approval = project_selectors.approval_find_for_contact(
        organisation=scope.organisation, contact=scope.contact, approval_id=approval_id
    )
    return _add(request, scope, approval)
