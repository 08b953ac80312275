"""URLs of a document's print view, PDF and forward page, for the pages that show buttons.

Portal pages: `links.portal_links(scope, document)` → {"print_url", "pdf_url", "forward_url"?};
templates: `{% load documents_links %}{% portal_document_links document as links %}`.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from portico.contacts.scope import PortalScope
from portico.documents.kinds import DocumentKind, kind_of

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
    slug = scope.organisation.slug
    kwargs = {"org_slug": slug, "kind": kind.slug, "public_id": document.public_id}
    links = {
        "print_url": reverse("portal:document_print", kwargs=kwargs),
        "pdf_url": reverse("portal:document_pdf", kwargs=kwargs),
        "back_url": reverse("portal:home", kwargs={"org_slug": slug}),
    }
    if scope.preferences.allow_forwarding:
        links["forward_url"] = reverse("portal:document_forward", kwargs=kwargs)
    if kind.slug in DETAIL_URLS:
        name, key = DETAIL_URLS[kind.slug]
        links["back_url"] = reverse(name, kwargs={"org_slug": slug, key: document.public_id})
    return links
