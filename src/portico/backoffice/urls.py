"""Every staff URL: the admin site, the document pages and the attachment downloads.

Included at the root by `portico.urls`; the paths and names are those the templates and the
admin's links reverse.
"""

from __future__ import annotations

from django.urls import include, path

from portico.backoffice.sites import site
from portico.backoffice.views import documents, exports, lines

document_patterns = [
    path("lines/totals", lines.line_totals, name="line_totals"),
    path("statement/<uuid:contact_id>/print", documents.statement_print, name="statement_print"),
    path("statement/<uuid:contact_id>/pdf", documents.statement_pdf, name="statement_pdf"),
    path(
        "statement/pdf/<uuid:statement_pdf_id>",
        documents.statement_pdf_status,
        name="statement_pdf_status",
    ),
    path(
        "statement/pdf/<uuid:statement_pdf_id>/download",
        documents.statement_pdf_download,
        name="statement_pdf_download",
    ),
    path(
        "statement/pdf/<uuid:statement_pdf_id>/email",
        documents.statement_pdf_email,
        name="statement_pdf_email",
    ),
    path(
        "statement/<uuid:contact_id>/csv",
        exports.statement_export,
        {"file_format": "csv"},
        name="statement_csv",
    ),
    path(
        "statement/<uuid:contact_id>/xlsx",
        exports.statement_export,
        {"file_format": "xlsx"},
        name="statement_xlsx",
    ),
    path("files/<uuid:attachment_id>", documents.attachment_download, name="file"),
    path("<slug:kind>/<uuid:public_id>/print", documents.document_print, name="print"),
    path("<slug:kind>/<uuid:public_id>/pdf", documents.document_pdf, name="pdf"),
    path("<slug:kind>/<uuid:public_id>/send", documents.document_send, name="send"),
    path("<slug:kind>/<uuid:public_id>/files", documents.attachment_upload, name="upload"),
]

sales_patterns = [
    path(
        "attachments/<uuid:attachment_id>/",
        documents.attachment_download,
        name="attachment_download",
    ),
]

urlpatterns = [
    path("admin/", site.urls),
    path("books/", include((sales_patterns, "sales"))),
    path("backoffice/documents/", include((document_patterns, "backoffice_documents"))),
]
