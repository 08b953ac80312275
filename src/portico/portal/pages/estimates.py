"""Estimates: the list, one estimate, and the person's answers (accept, decline, changes).

Only the action goes to the server, never a target status; the services refuse what the
estimate's state does not allow, and the refusal becomes a message on the page.
"""

from __future__ import annotations

import functools
from html import escape
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portico.activity import portal_actions
from portico.activity import selectors as activity_selectors
from portico.activity import services as activity_services
from portico.contacts.scope import Module, PortalScope
from portico.core import formats
from portico.core.errors import DomainError
from portico.core.prepared import read_together
from portico.portal.pages import badges, common, documents
from portico.portal.pages.forms import AcceptForm, ChangesForm, CommentForm, DeclineForm
from portico.portal.scoping import portal_view
from portico.sales import portal_selectors as selectors
from portico.sales.models import Estimate

FILTERS = (
    common.Choice("", gettext_lazy("All")),
    common.Choice("awaiting", gettext_lazy("Awaiting answer")),
    common.Choice("accepted", gettext_lazy("Accepted")),
    common.Choice("declined", gettext_lazy("Declined")),
    common.Choice("expired", gettext_lazy("Expired")),
    common.Choice("invoiced", gettext_lazy("Invoiced")),
)
SORTS = (
    common.Choice("-date", gettext_lazy("Newest first")),
    common.Choice("date", gettext_lazy("Oldest first")),
    common.Choice("expiry", gettext_lazy("Expiry date")),
    common.Choice("-amount", gettext_lazy("Amount, highest first")),
    common.Choice("amount", gettext_lazy("Amount, lowest first")),
    common.Choice("number", gettext_lazy("Number")),
)


@portal_view(module=Module.ESTIMATES)
@require_GET
def estimate_list(request: HttpRequest, scope: PortalScope) -> HttpResponse:
    query = common.list_query(
        request, statuses=[c.value for c in FILTERS], sorts=[c.value for c in SORTS]
    )
    page = selectors.estimate_list_shown_for_portal(scope=scope, query=query)
    page.object_list = common.with_urls(scope, page, "estimate_detail", "estimate_id")
    rows = _rows(page.object_list)
    return common.render_list(
        request,
        title=gettext_lazy("Estimates"),
        partial="portal/pages/estimates/_list.html",
        target="estimate-list",
        context=common.page_context(
            scope, page=page, rows=rows, query=query, filters=FILTERS, sorts=SORTS
        ),
    )


def _rows(estimates: list[Any]) -> SafeString:
    """The table's rows as HTML, built in Python with each cell formatted once (dates and
    badges repeat: each is formatted once per page)."""
    language = get_language()
    day = functools.cache(lambda value: formats.format_date(value, language))
    badge = functools.cache(badges.estimate_badge_of)
    rows = []
    for estimate in estimates:
        issued = day(estimate.issue_date)
        rows.append(
            "\n    <tr>\n"
            f'      <td><a class="fw-semibold text-nowrap" hx-boost="false" '
            f'href="{escape(estimate.portal_url)}">{escape(estimate.number)}</a>'
            f'<div class="small text-body-secondary d-sm-none">{issued}</div></td>\n'
            f'      <td class="d-none d-sm-table-cell">{issued}</td>\n'
            f'      <td class="d-none d-md-table-cell">'
            f"{day(estimate.expiry_date) if estimate.expiry_date else '—'}</td>\n"
            f"      <td>{badge(estimate.status)}</td>\n"
            f'      <td class="text-end">'
            f"{formats.money_formatter(estimate.currency, language)(estimate.total)}</td>\n"
            "    </tr>\n  "
        )
    return mark_safe("".join(rows))  # every value above escaped or formatted (no markup)


def _detail(
    request: HttpRequest,
    scope: PortalScope,
    estimate: Estimate,
    status: int = 200,
    **forms_: forms.Form,
) -> HttpResponse:
    """The page of `estimate` (found without its lines): the lines, comments, earlier revisions
    and files read in one round trip."""
    _lines, comments, revisions, files = read_together(
        selectors.lines_read(scope=scope, document=estimate),
        activity_selectors.comments_read(scope=scope, target=estimate),
        selectors.estimate_revisions_read(scope=scope, estimate=estimate),
        documents.files_read(scope, estimate),
    )
    open_for_answer = estimate.status in (Estimate.Status.SENT, Estimate.Status.VIEWED)
    context: dict[str, Any] = common.page_context(
        scope,
        estimate=estimate,
        **documents.items_of(estimate),
        open_for_answer=open_for_answer,
        accept_form=forms_.get("accept_form") or AcceptForm(),
        decline_form=forms_.get("decline_form") or DeclineForm(),
        changes_form=forms_.get("changes_form") or ChangesForm(),
        failed=next(iter(forms_), ""),
        comments=comments,
        comment_form=CommentForm(),
        comment_url=documents.comment_url(scope, estimate),
        signature=getattr(estimate, "portal_acceptance", None),
        revisions=revisions,
        links=documents.document_links(scope, estimate),
        **files,
    )
    return render(request, "portal/pages/estimates/detail.html", context, status=status)


@portal_view(module=Module.ESTIMATES, link=True)
@require_GET
def estimate_detail(request: HttpRequest, scope: PortalScope, estimate_id: UUID) -> HttpResponse:
    estimate = selectors.estimate_find_for_portal(scope=scope, estimate_id=estimate_id)
    activity_services.document_mark_viewed(
        scope=scope, document=estimate, origin=common.origin_of(request)
    )
    return _detail(request, scope, estimate)


def _answer(
    request: HttpRequest,
    scope: PortalScope,
    estimate_id: UUID,
    *,
    form_class: type[forms.Form],
    form_name: str,
    act: Any,
    done: str,
) -> HttpResponse:
    """Validate the form, call the action; field refusals re-render the page with a 400."""
    estimate = selectors.estimate_find_for_portal(scope=scope, estimate_id=estimate_id)
    form = form_class(request.POST)
    back = documents.detail_url(scope, estimate)
    if form.is_valid():
        try:
            act(estimate=estimate, data=form.cleaned_data, origin=common.origin_of(request))
        except DomainError as error:
            if not common.apply_error(form, error):
                return common.refuse(request, error, back)
        else:
            messages.success(request, done)
            return HttpResponseRedirect(back)
    return _detail(request, scope, estimate, status=400, **{form_name: form})


@portal_view(module=Module.ESTIMATES, link=True)
@require_POST
def estimate_accept(request: HttpRequest, scope: PortalScope, estimate_id: UUID) -> HttpResponse:
    def act(*, estimate: Estimate, data: dict[str, Any], origin: Any) -> None:
        portal_actions.estimate_accept_from_portal(
            scope=scope, estimate=estimate, signed_name=data["signed_name"], origin=origin
        )

    return _answer(
        request,
        scope,
        estimate_id,
        form_class=AcceptForm,
        form_name="accept_form",
        act=act,
        done=_("Thank you. You accepted the estimate."),
    )


@portal_view(module=Module.ESTIMATES, link=True)
@require_POST
def estimate_decline(request: HttpRequest, scope: PortalScope, estimate_id: UUID) -> HttpResponse:
    def act(*, estimate: Estimate, data: dict[str, Any], origin: Any) -> None:
        portal_actions.estimate_decline_from_portal(
            scope=scope, estimate=estimate, reason=data["reason"], origin=origin
        )

    return _answer(
        request,
        scope,
        estimate_id,
        form_class=DeclineForm,
        form_name="decline_form",
        act=act,
        done=_("You declined the estimate. The business has been told why."),
    )


@portal_view(module=Module.ESTIMATES, link=True)
@require_POST
def estimate_request_changes(
    request: HttpRequest, scope: PortalScope, estimate_id: UUID
) -> HttpResponse:
    def act(*, estimate: Estimate, data: dict[str, Any], origin: Any) -> None:
        portal_actions.estimate_request_changes(
            scope=scope, estimate=estimate, message=data["message"], origin=origin
        )

    return _answer(
        request,
        scope,
        estimate_id,
        form_class=ChangesForm,
        form_name="changes_form",
        act=act,
        done=_("Your request was sent. The estimate stays open until you answer it."),
    )
