"""A customer's statement for a period as a spreadsheet (CSV or XLSX), beside its print view
and PDF; `?start=` and `?end=` choose the period as they do there."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpResponse
from django.views.decorators.http import require_GET

from portico.backoffice import exports
from portico.backoffice.staff import StaffRequest, staff_view
from portico.documents import forms, selectors
from portico.orgs.models import Organisation
from portico.statements import selectors as statement_selectors


@staff_view
@require_GET
def statement_export(
    request: StaffRequest, organisation: Organisation, contact_id: UUID, file_format: str
) -> HttpResponse:
    contact = selectors.contact_get_for_staff(organisation=organisation, public_id=contact_id)
    start, end = forms.PeriodForm(request.GET).period()
    statement = statement_selectors.statement_for(contact=contact, start=start, end=end)
    return exports.statement_response(statement, file_format=file_format)
