"""Statement of accounts for a chosen period: opening, transactions, closing, aging."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from portico.core.errors import DomainError
from portico.portal.pages import common, documents
from portico.portal.pages.forms import StatementForm
from portico.portal.scoping import Module, PortalScope, portal_view
from portico.statements import selectors as statement_selectors


@portal_view(module=Module.STATEMENT)
@require_GET
def statement(request: HttpRequest, scope: PortalScope) -> HttpResponse:
    form = StatementForm(request.GET or {"period": "this_month"})
    result = None
    status = 200
    if form.is_valid():
        start, end = form.dates(timezone.localdate())
        try:
            result = statement_selectors.statement_for(contact=scope.contact, start=start, end=end)
        except DomainError as error:
            form.add_error(None, error.message)
            status = 400
    else:
        status = 400
    context = common.page_context(
        scope,
        form=form,
        statement=result,
        pay_url=documents.pay_url(scope, [])
        if result is not None and result.closing_balance > 0
        else "",
    )
    return render(request, "portal/pages/statement.html", context, status=status)
