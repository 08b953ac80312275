"""Back-office document pages, mounted at /backoffice/documents/ by portico.urls."""

from __future__ import annotations

from django.urls import path

from portico.documents import staff_views

app_name = "backoffice_documents"

urlpatterns = [
    path("statement/<uuid:contact_id>/print", staff_views.statement_print, name="statement_print"),
    path("statement/<uuid:contact_id>/pdf", staff_views.statement_pdf, name="statement_pdf"),
    path("files/<uuid:attachment_id>", staff_views.attachment_download, name="file"),
    path("<slug:kind>/<uuid:public_id>/print", staff_views.document_print, name="print"),
    path("<slug:kind>/<uuid:public_id>/pdf", staff_views.document_pdf, name="pdf"),
    path("<slug:kind>/<uuid:public_id>/email", staff_views.document_email, name="email"),
    path("<slug:kind>/<uuid:public_id>/files", staff_views.attachment_upload, name="upload"),
]
