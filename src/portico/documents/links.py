"""URLs of a document's print view, PDF and forward page, for the pages that show buttons.

Portal pages: `links.portal_links(scope, document)` → {"print_url", "pdf_url", "forward_url"?};
templates: `{% load documents_links %}{% portal_document_links document as links %}`.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.conf import settings
from django.urls import reverse

from portico.contacts import document_links
from portico.contacts.models import ContactPerson
from portico.contacts.scope import PortalScope
from portico.core.addresses import address
from portico.documents.kinds import DocumentKind, kind_of
from portico.orgs.models import Organisation

DETAIL_URLS: dict[str, tuple[str, str]] = {
    "estimate": ("portal:estimate_detail", "estimate_id"),
    "invoice": ("portal:invoice_detail", "invoice_id"),
    "retainer-invoice": ("portal:invoice_detail", "invoice_id"),
    "sales-order": ("portal:sales_order_detail", "sales_order_id"),
    "payment": ("portal:payment_detail", "payment_id"),
}


def portal_links(
    scope: PortalScope, document: Any, kind: DocumentKind | None = None
) -> dict[str, str]:
    kind = kind or kind_of(document)
    slug, public_id = scope.organisation.slug, document.public_id
    fixed = {"org_slug": slug, "kind": kind.slug}
    links = {
        "print_url": address("portal:document_print", public_id, **fixed),
        "pdf_url": address("portal:document_pdf", public_id, **fixed),
    }
    if kind.slug in DETAIL_URLS:
        name, key = DETAIL_URLS[kind.slug]
        links["back_url"] = address(name, public_id, keyword=key, org_slug=slug)
    elif not scope.is_link:
        links["back_url"] = reverse("portal:home", kwargs={"org_slug": slug})
    if not scope.is_link and scope.preferences.allow_forwarding:
        links["forward_url"] = address("portal:document_forward", public_id, **fixed)
    return links


# --- addresses in emails: the document's portal page and a recipient's personal link ---------

PAGE_URLS: dict[str, tuple[str, str]] = {
    "estimate": ("portal:estimate_detail", "estimate_id"),
    "invoice": ("portal:invoice_detail", "invoice_id"),
    "retainer-invoice": ("portal:invoice_detail", "invoice_id"),
    "sales-order": ("portal:sales_order_detail", "sales_order_id"),
}


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def portal_document_path(organisation_slug: str, kind: str, public_id: UUID) -> str:
    """The document's page in the portal (Pay now, Accept…); a kind without one (a credit
    note) opens its portal print view."""
    if kind in PAGE_URLS:
        name, key = PAGE_URLS[kind]
        return reverse(name, kwargs={"org_slug": organisation_slug, key: public_id})
    return reverse(
        "portal:document_print",
        kwargs={"org_slug": organisation_slug, "kind": kind, "public_id": public_id},
    )


def portal_document_url(organisation: Organisation, kind: str, public_id: UUID) -> str:
    """Absolute address of the document's portal page, for emails (login first if need be)."""
    return absolute(portal_document_path(organisation.slug, kind, public_id))


def personal_link_url(*, person: ContactPerson, document: Any, kind: str | None = None) -> str:
    """A new personal document link for `person` to `document`, as an absolute URL.

    Opens that one document without a password until it expires (the organisation's
    `document_link_days`) or is revoked (document voided, portal access disabled); every use
    is logged. Call it once per email: each call issues a fresh link.
    """
    slug = kind or kind_of(document).slug
    _link, secret = document_links.link_issue(
        person=person, kind=slug, document_id=document.public_id
    )
    path = reverse(
        "portal:document_link",
        kwargs={"org_slug": document.organisation.slug, "token": secret},
    )
    return absolute(path)
