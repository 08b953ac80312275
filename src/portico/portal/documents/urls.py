"""Documents in the portal: included by portico.portal.urls under "documents/" (namespace
portal), so the names are `portal:document_pdf` and so on."""

from __future__ import annotations

from django.urls import path

from portico.portal.documents import statement_pdf
from portico.portal.documents import views as portal_views

urlpatterns = [
    path("statement/print", portal_views.statement_print, name="statement_print"),
    path("statement/pdf", statement_pdf.statement_pdf, name="statement_pdf"),
    path(
        "statement/pdf/<uuid:statement_pdf_id>",
        statement_pdf.statement_pdf_status,
        name="statement_pdf_status",
    ),
    path(
        "statement/pdf/<uuid:statement_pdf_id>/download",
        statement_pdf.statement_pdf_download,
        name="statement_pdf_download",
    ),
    path(
        "statement/pdf/<uuid:statement_pdf_id>/email",
        statement_pdf.statement_pdf_email,
        name="statement_pdf_email",
    ),
    path(
        "files/<uuid:attachment_id>", portal_views.attachment_download, name="document_attachment"
    ),
    path("<slug:kind>/<uuid:public_id>/print", portal_views.document_print, name="document_print"),
    path("<slug:kind>/<uuid:public_id>/pdf", portal_views.document_pdf, name="document_pdf"),
    path(
        "<slug:kind>/<uuid:public_id>/forward",
        portal_views.document_forward,
        name="document_forward",
    ),
    path(
        "<slug:kind>/<uuid:public_id>/files", portal_views.attachment_upload, name="document_upload"
    ),
]
