from __future__ import annotations

from typing import Any

from django import template

from portico.documents import links

register = template.Library()


@register.simple_tag(takes_context=True)
def portal_document_links(context: template.Context, document: Any) -> dict[str, str]:
    """Print, PDF and forward URLs of `document` for the portal page's scope."""
    return links.portal_links(context["request"].portal_scope, document)
