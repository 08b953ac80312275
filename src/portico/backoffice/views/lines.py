"""Editing document lines: the live totals a draft's change page shows while staff type.

The change form posts itself here (htmx) on every edit; the lines are priced by
`sales.services.document_preview`, the same money functions a save uses, and the answer is the
totals fragment. Nothing is written. Customers, items and taxes are looked up in the staff
member's organisation only: another organisation's id counts as not chosen.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portico.backoffice.staff import StaffRequest, staff_view
from portico.contacts.models import Contact
from portico.core.errors import DomainError
from portico.orgs.models import Item, Organisation, Tax
from portico.sales import services

PREFIX = "lines"
MAX_LINES = 500


def _number(value: str, default: str) -> Decimal | None:
    try:
        number = Decimal((value or default).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _id(value: str) -> int | None:
    return int(value) if value and value.isdigit() else None


def _rows(data: Any) -> list[dict[str, str]]:
    """The posted line rows that are neither deleted nor left empty, in order."""
    total = _id(data.get(f"{PREFIX}-TOTAL_FORMS", "")) or 0
    rows = []
    for index in range(min(total, MAX_LINES)):
        row = {
            name: str(data.get(f"{PREFIX}-{index}-{name}", ""))
            for name in ("item", "description", "quantity", "rate", "discount_percent", "tax")
        }
        if data.get(f"{PREFIX}-{index}-DELETE"):
            continue
        if not (row["item"] or row["description"].strip() or row["rate"].strip()):
            continue  # the blank row the form offers for a new line
        rows.append(row)
    return rows


@staff_view
@require_POST
def line_totals(request: StaffRequest, organisation: Organisation) -> HttpResponse:
    contact_id = _id(str(request.POST.get("contact", "")))
    contact = (
        Contact.objects.filter(organisation=organisation, pk=contact_id).first()
        if contact_id
        else None
    )
    rows = _rows(request.POST)
    items = Item.objects.filter(
        organisation=organisation, pk__in=[_id(r["item"]) for r in rows if _id(r["item"])]
    ).in_bulk()
    taxes = Tax.objects.filter(
        organisation=organisation, pk__in=[_id(r["tax"]) for r in rows if _id(r["tax"])]
    ).in_bulk()
    context: dict[str, Any] = {"contact": contact}
    if contact is None:
        context["problem"] = _("Choose a customer to see the totals in their currency.")
        return render(request, "backoffice/lines/totals.html", context)
    lines, problem = [], ""
    for position, row in enumerate(rows, start=1):
        quantity = _number(row["quantity"], "1")
        rate = _number(row["rate"], "0")
        discount = _number(row["discount_percent"], "0")
        if quantity is None or rate is None or discount is None:
            problem = _("Line %(line)d: enter the quantity, rate and discount as numbers.") % {
                "line": position
            }
            break
        lines.append(
            services.LineInput(
                description=row["description"],
                quantity=quantity,
                rate=rate,
                discount_percent=discount,
                item=items.get(_id(row["item"]) or 0),
                tax=taxes.get(_id(row["tax"]) or 0),
            )
        )
    discount_total = _number(str(request.POST.get("discount", "")), "0")
    if discount_total is None:
        problem = problem or _("Enter the discount as a number.")
    if not problem:
        try:
            preview = services.document_preview(
                contact=contact, lines=lines, discount=discount_total
            )
        except DomainError as error:
            problem = error.message
        else:
            context.update(
                currency=preview.totals.currency,
                totals=preview.totals,
                lines=list(zip(lines, preview.amounts, strict=True)),
            )
    context["problem"] = problem
    return render(request, "backoffice/lines/totals.html", context)
