"""Statement of accounts for a chosen period: opening, transactions, closing, aging.

A long period is shown a page of lines at a time (`statements.selectors.LINES_PER_PAGE`), each
page opening with the balance brought forward; the totals and the aging are the whole period's.
The PDF (documents) still prints every line.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from portico.contacts.scope import Module, PortalScope
from portico.core.errors import DomainError
from portico.core.formats import format_date, money_formatter
from portico.portal.pages import common, documents
from portico.portal.pages.forms import StatementForm
from portico.portal.scoping import portal_view
from portico.statements import selectors as statement_selectors
from portico.statements.selectors import Statement

# One line of the page, formatted and escaped once in Python: a template loop over a hundred
# rows cost more than the rest of the page.
ROW = (
    '<tr><td class="text-nowrap">{}</td><td>{}</td>'
    '<td class="d-none d-md-table-cell text-break">{}</td><td class="text-end">{}</td>'
    '<td class="text-end d-none d-sm-table-cell">{}</td></tr>'
)


@portal_view(module=Module.STATEMENT)
@require_GET
def statement(request: HttpRequest, scope: PortalScope) -> HttpResponse:
    form = StatementForm(request.GET or {"period": "this_month"})
    result = None
    status = 200
    if form.is_valid():
        start, end = form.dates(timezone.localdate())
        try:
            result = statement_selectors.statement_page_for(
                contact=scope.contact, start=start, end=end, page=page_number(request)
            )
        except DomainError as error:
            form.add_error(None, error.message)
            status = 400
    else:
        status = 400
    context = common.page_context(
        scope,
        form=form,
        statement=result,
        rows=rows_html(result) if result is not None else "",
        keep=[(k, v) for k, v in request.GET.items() if k != "page"],
        pay_url=documents.pay_url(scope, [])
        if result is not None and result.closing_balance > 0
        else "",
        **(print_links(scope, result) if result is not None else {}),
    )
    return render(request, "portal/pages/statement.html", context, status=status)


def print_links(scope: PortalScope, statement: Statement) -> dict[str, str]:
    """The print view and PDF of the statement shown, for the same period."""
    slug = scope.organisation.slug
    period = urlencode({"start": statement.start.isoformat(), "end": statement.end.isoformat()})
    return {
        "print_url": f"{reverse('portal:statement_print', kwargs={'org_slug': slug})}?{period}",
        "pdf_url": f"{reverse('portal:statement_pdf', kwargs={'org_slug': slug})}?{period}",
    }


def page_number(request: HttpRequest) -> int:
    """The asked page; anything that is not a positive number is the first page."""
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def rows_html(statement: Statement) -> SafeString:
    """The table rows of the statement's lines (every value escaped by `format_html_join`)."""
    language = get_language() or "en"
    formatted = money_formatter(statement.currency, language)
    details = statement_selectors.details_translator()
    kinds = {kind: str(label) for kind, label in statement_selectors.KIND_LABELS.items()}
    days: dict[datetime.date, str] = {}  # a day's lines share its formatted date
    return format_html_join(
        "",
        ROW,
        (
            (
                days.get(line.date) or days.setdefault(line.date, format_date(line.date, language)),
                f"{kinds.get(line.kind, line.kind)} {line.reference}",
                details(line.reference, line.stored_description),
                formatted(line.amount),
                formatted(line.balance),
            )
            for line in statement.lines
        ),
    )
