"""PDFs of documents, cached in the storage API per document version.

The cache key changes whenever anything printed on the document changes (its status, totals,
balance, last edit, the customer, the organisation's branding), so a stale PDF is never served
and a changed document is rendered again on the next download.
"""

from __future__ import annotations

import hashlib
import logging
import posixpath
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from portico.documents import context as document_context
from portico.documents import rendering
from portico.documents.kinds import DocumentKind, kind_of
from portico.orgs.models import Organisation

logger = logging.getLogger(__name__)

# Bump when the templates or stylesheet change what a PDF looks like.
LAYOUT_VERSION = "1"
CACHE_ROOT = "documents/pdf"


def version_key(document: Any, kind: DocumentKind, language: str | None = None) -> str:
    """A digest of everything a document's PDF shows, in the language it is read in."""
    organisation = document.organisation
    contact = document.contact
    credit = getattr(document, "credit", None) if kind.slug == "credit-note" else None
    parts = [
        LAYOUT_VERSION,
        kind.slug,
        str(document.public_id),
        document.updated_at.isoformat(),
        str(getattr(document, "status", "")),
        str(getattr(document, "total", "")),
        str(getattr(document, "balance_due", "")),
        str(getattr(document, "amount", "")),
        str(getattr(credit, "remaining", "")),
        contact.updated_at.isoformat(),
        organisation.updated_at.isoformat(),
        organisation.logo.name or "",
        document_context.branding(organisation)["brand_colour"],
        language or "",
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def cache_path(document: Any, kind: DocumentKind, language: str | None = None) -> str:
    return posixpath.join(
        _folder(document, kind),
        language or "default",
        f"{version_key(document, kind, language)}.pdf",
    )


def _folder(document: Any, kind: DocumentKind) -> str:
    return posixpath.join(
        CACHE_ROOT, str(document.organisation_id), kind.slug, str(document.public_id)
    )


def forget_kept(document: Any, kind: DocumentKind | None = None) -> None:
    """Delete the document's kept PDFs, every version and language: its next request renders
    (the benchmark's fresh PDF, whatever earlier runs kept)."""
    folder = _folder(document, kind or kind_of(document))
    try:
        languages, _ = default_storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError):
        return
    for language in languages:
        _, files = default_storage.listdir(posixpath.join(folder, language))
        for name in files:
            default_storage.delete(posixpath.join(folder, language, name))


def _forget_older(path: str) -> None:
    folder = posixpath.dirname(path)
    try:
        _, files = default_storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError):
        return
    for name in files:
        stale = posixpath.join(folder, name)
        if stale != path:
            default_storage.delete(stale)


def render_document_pdf(
    document: Any, kind: DocumentKind | None = None, language: str | None = None
) -> bytes:
    """Render without the cache (the benchmark and the cache miss both come here), in
    `language` (the reader's), else the customer's."""
    kind = kind or kind_of(document)
    context = document_context.document_context(document, kind, language)
    rendering.check_size(len(context.get("lines", context.get("applied", []))))
    html = rendering.render_html(kind.template, context)
    return rendering.render_pdf(
        html=html, organisation=document.organisation, brand_colour=context["brand_colour"]
    )


def document_pdf(
    document: Any, kind: DocumentKind | None = None, language: str | None = None
) -> bytes:
    """The document's PDF in `language`, from the cache when this version was rendered in it
    before (the other languages' copies of the version stay)."""
    kind = kind or kind_of(document)
    path = cache_path(document, kind, language)
    if default_storage.exists(path):
        with default_storage.open(path, "rb") as handle:
            return bytes(handle.read())
    pdf = render_document_pdf(document, kind, language)
    default_storage.save(path, ContentFile(pdf))
    _forget_older(path)
    return pdf


def statement_pdf(
    statement: Any,
    organisation: Organisation,
    language: str | None = None,
    *,
    max_rows: int | None = None,
    wait: float | None = None,
) -> bytes:
    """Render a statement (`documents.statement_pdfs` keeps the result per ledger version)."""
    rendering.check_size(len(statement.lines), max_rows)
    context = document_context.statement_context(statement, organisation, language)
    html = rendering.render_html("documents/statement.html", context)
    return rendering.render_pdf(
        html=html, organisation=organisation, brand_colour=context["brand_colour"], wait=wait
    )


def filename_for(kind: DocumentKind | None, number: str) -> str:
    prefix = "statement" if kind is None else kind.slug
    return f"{prefix}-{number}.pdf" if number else f"{prefix}.pdf"
