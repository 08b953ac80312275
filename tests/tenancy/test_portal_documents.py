"""Walk every documents URL in the portal with another customer's, another organisation's,
hidden and missing ids, for every kind: each answers 404 like a missing id (DESIGN.md §3).
The patterns come from `portal.documents.urls`, so a new URL is walked the day it is added."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, reverse

from portico.contacts.models import Contact
from portico.documents.kinds import KINDS
from portico.orgs.models import Organisation
from portico.payments import services as payments
from portico.portal.documents import urls as portal_urls
from portico.sales import services as sales
from portico.sales.models import Attachment
from tests.sales import factories as make
from tests.tenancy import not_found_body

pytestmark = pytest.mark.django_db

MAKERS: dict[str, Callable[[Contact], Any]] = {
    "invoice": lambda c: make.invoice(c),
    "retainer-invoice": lambda c: make.invoice(c, kind="retainer"),
    "estimate": lambda c: sales.estimate_send(estimate=make.estimate(c)),
    "sales-order": lambda c: sales.sales_order_confirm(sales_order=make.sales_order(c)),
    "credit-note": lambda c: make.credit_note(c),
    "payment": lambda c: payments.payment_record(
        contact=c, date=make.DAY, amount=Decimal("5.00"), mode="cash"
    ),
}
HIDDEN: dict[str, Callable[[Contact], Any]] = {
    "invoice": lambda c: make.invoice(c, send=False),
    "retainer-invoice": lambda c: make.invoice(c, kind="retainer", send=False),
    "estimate": lambda c: make.estimate(c),
    "sales-order": lambda c: make.sales_order(c),
    "credit-note": lambda c: make.credit_note(c, open_it=False),
}


def patterns(keyword: str) -> list[str]:
    return [
        p.name
        for p in portal_urls.urlpatterns
        if isinstance(p, URLPattern) and p.name and keyword in p.pattern.converters
    ]


def test_the_walk_covers_every_documents_url() -> None:
    keyed = {name for name in patterns("public_id")} | set(patterns("attachment_id"))
    # A statement PDF's id is walked by test_portal_urls (tests/documents/foreign_ids.py).
    keyed |= set(patterns("statement_pdf_id"))
    with_ids = {p.name for p in portal_urls.urlpatterns if p.pattern.converters}  # type: ignore[union-attr]
    assert keyed == with_ids and "document_pdf" in keyed


def statuses(client: Client, url: str) -> set[int]:
    return {client.get(url).status_code, client.post(url).status_code}


@pytest.mark.parametrize("kind", list(KINDS))
def test_foreign_hidden_and_missing_documents_answer_404(
    kind: str,
    portal_client: Client,
    org: Organisation,
    customer_a: Contact,
    customer_b: Contact,
    other_org_customer: Contact,
) -> None:
    cases = {
        "other customer": MAKERS[kind](customer_b).public_id,
        "other organisation": MAKERS[kind](other_org_customer).public_id,
        "missing": uuid.uuid4(),
    }
    if kind in HIDDEN:
        cases["hidden"] = HIDDEN[kind](customer_a).public_id
    for name in patterns("public_id"):
        missing_body = b""
        for case, public_id in cases.items():
            url = reverse(
                f"portal:{name}",
                kwargs={"org_slug": org.slug, "kind": kind, "public_id": public_id},
            )
            answers = statuses(portal_client, url)
            assert answers <= {404, 405} and 404 in answers, (name, kind, case, answers)
            body = not_found_body(portal_client, url)
            missing_body = missing_body or body
            assert body == missing_body, (name, kind, case)


def test_foreign_and_hidden_files_answer_404(
    portal_client: Client,
    org: Organisation,
    customer_b: Contact,
    other_org_customer: Contact,
    customer_a: Contact,
) -> None:
    def attach(document: Any, show: bool = True) -> Any:
        row = Attachment(
            organisation_id=document.organisation_id, invoice=document, show_in_portal=show
        )
        row.file.save("f.pdf", ContentFile(b"%PDF-1.7"), save=True)
        return row.public_id

    cases = {
        "other customer": attach(make.invoice(customer_b)),
        "other organisation": attach(make.invoice(other_org_customer)),
        "not shown in portal": attach(make.invoice(customer_a), show=False),
        "on a draft": attach(make.invoice(customer_a, send=False)),
        "missing": uuid.uuid4(),
    }
    for name in patterns("attachment_id"):
        missing_body = b""
        for case, attachment_id in cases.items():
            url = reverse(
                f"portal:{name}", kwargs={"org_slug": org.slug, "attachment_id": attachment_id}
            )
            answers = statuses(portal_client, url)
            assert answers <= {404, 405} and 404 in answers, (name, case, answers)
            body = not_found_body(portal_client, url)
            missing_body = missing_body or body
            assert body == missing_body, (name, case)
