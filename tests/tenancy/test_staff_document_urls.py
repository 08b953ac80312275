"""Walk every staff URL outside the admin site (the document pages, PDFs, statements, files)
that names an object, with another organisation's ids: each must answer 404, with the same
body as a missing id, to the owner of this organisation (DESIGN.md §3).

The patterns come from the resolver, so a new staff URL is walked the day it is added; a URL
keyword with no maker in `FOREIGN_IDS` fails the test until someone says how to make another
organisation's object for it. (The admin site's own URLs: `test_admin_urls`.)
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, reverse

from portico.backoffice import urls as backoffice_urls
from portico.documents import statement_pdfs
from portico.orgs.models import Organisation
from portico.sales.models import Attachment
from tests.sales import factories as make
from tests.tenancy import not_found_body

pytestmark = pytest.mark.django_db

Maker = Callable[[Organisation], Any]


def a_file_of(org: Organisation) -> Any:
    invoice = make.invoice(make.customer(org))
    attachment = Attachment(organisation_id=org.pk, invoice=invoice, show_in_portal=True)
    attachment.file.save("walk.pdf", ContentFile(b"%PDF-1.7"), save=True)
    return attachment.public_id


def a_statement_pdf_of(org: Organisation) -> Any:
    contact = make.customer(org)
    make.invoice(contact)
    return statement_pdfs.statement_pdf_prepare(
        organisation=org, contact=contact, start=make.DAY, end=make.DAY, language="en"
    ).public_id


FOREIGN_IDS: dict[str, Maker] = {
    "kind": lambda org: "invoice",
    "public_id": lambda org: make.invoice(make.customer(org)).public_id,
    "contact_id": lambda org: make.customer(org).public_id,
    "attachment_id": a_file_of,
    "statement_pdf_id": a_statement_pdf_of,
}

# A value for each keyword that names nothing at all (every other keyword: a fresh UUID).
MISSING: dict[str, Callable[[], Any]] = {"kind": lambda: "invoice"}


def staff_patterns() -> list[tuple[str, list[str]]]:
    """(namespaced url name, object keywords) of every staff URL outside the admin site that
    takes an object."""
    found: list[tuple[str, list[str]]] = []
    for entry in backoffice_urls.urlpatterns:
        if not isinstance(entry, URLResolver) or entry.namespace == "admin":
            continue
        for pattern in entry.url_patterns:
            keywords = list(getattr(pattern.pattern, "converters", {}))
            if isinstance(pattern, URLPattern) and pattern.name and keywords:
                found.append((f"{entry.namespace}:{pattern.name}", keywords))
    return found


def test_the_walk_finds_the_statement_and_document_urls() -> None:
    names = {name for name, _ in staff_patterns()}
    assert {
        "backoffice_documents:print",
        "backoffice_documents:statement_pdf",
        "backoffice_documents:statement_pdf_status",
        "backoffice_documents:statement_pdf_email",
        "sales:attachment_download",
    } <= names


@pytest.mark.parametrize("name,keywords", staff_patterns())
def test_another_organisations_ids_answer_404(
    name: str,
    keywords: list[str],
    owner_client: Client,
    org: Organisation,
    other_org: Organisation,
) -> None:
    missing_maker = [k for k in keywords if k not in FOREIGN_IDS]
    if missing_maker:
        pytest.fail(
            f"Staff URL {name!r} takes {missing_maker}: add a maker to FOREIGN_IDS in "
            f"{__name__} so the wall is tested for it."
        )
    # given organisation B's objects, named in the URL
    url = reverse(name, kwargs={k: FOREIGN_IDS[k](other_org) for k in keywords})

    # when organisation A's owner asks for them, by either method
    answers = {owner_client.get(url).status_code, owner_client.post(url).status_code}

    # then they do not exist for them (a wrong method, 405, says nothing)
    assert answers <= {404, 405} and 404 in answers, (name, answers)
    # while the same URL with the owner's own objects opens (the makers make real ones)
    own = reverse(name, kwargs={k: FOREIGN_IDS[k](org) for k in keywords})
    assert {owner_client.get(own).status_code, owner_client.post(own).status_code} - {404, 405}
    # and the 404 says no more than a missing id's
    missing_url = reverse(name, kwargs={k: MISSING.get(k, uuid.uuid4)() for k in keywords})
    assert not_found_body(owner_client, url) == not_found_body(owner_client, missing_url), name
