"""Back-office buttons for documents: print view, PDF, Send, statement."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from portico.contacts.models import Contact
from portico.documents import sending
from portico.documents.kinds import kind_of

register = template.Library()


@register.simple_tag
def document_staff_links(original: Any) -> list[dict[str, str]]:
    """(title, link, icon) for the change form's tools; none for rows that do not print."""
    if original is None or getattr(original, "pk", None) is None:
        return []
    if isinstance(original, Contact):
        kwargs: dict[str, Any] = {"contact_id": original.public_id}
        return [
            {
                "title": _("Statement"),
                "link": reverse("backoffice_documents:statement_print", kwargs=kwargs),
                "icon": "receipt_long",
            },
            {
                "title": _("Statement PDF"),
                "link": reverse("backoffice_documents:statement_pdf", kwargs=kwargs),
                "icon": "picture_as_pdf",
            },
            {
                "title": _("Statement CSV"),
                "link": reverse("backoffice_documents:statement_csv", kwargs=kwargs),
                "icon": "csv",
            },
            {
                "title": _("Statement XLSX"),
                "link": reverse("backoffice_documents:statement_xlsx", kwargs=kwargs),
                "icon": "table_view",
            },
        ]
    try:
        kind = kind_of(original)
    except LookupError:
        return []
    kwargs = {"kind": kind.slug, "public_id": original.public_id}
    links = [
        {
            "title": _("Print view"),
            "link": reverse("backoffice_documents:print", kwargs=kwargs),
            "icon": "print",
        },
        {
            "title": _("PDF"),
            "link": reverse("backoffice_documents:pdf", kwargs=kwargs),
            "icon": "picture_as_pdf",
        },
    ]
    if kind.slug in sending.SENDABLE:
        links.append(
            {
                "title": _("Send"),
                "link": reverse("backoffice_documents:send", kwargs=kwargs),
                "icon": "send",
            }
        )
    return links
