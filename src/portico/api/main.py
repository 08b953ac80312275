"""The API: `/api/v1/`, OpenAPI at `/api/v1/openapi.json`, docs at `/api/v1/docs` (local assets)."""

from __future__ import annotations

from ninja import NinjaAPI

from portico.api import errors
from portico.api.auth import BooksKey
from portico.api.books import contacts as books_contacts
from portico.api.books import documents as books_documents
from portico.api.books import invoices as books_invoices
from portico.api.books import webhooks as books_webhooks
from portico.api.books import work as books_work
from portico.api.portal import account as portal_account
from portico.api.portal import auth as portal_auth
from portico.api.portal import documents as portal_documents
from portico.api.portal import money as portal_money
from portico.api.portal import projects as portal_projects


def build() -> NinjaAPI:
    api = NinjaAPI(
        title="Portico API",
        version="1.0.0",
        description=(
            "Books API (`/books/…`, an organisation's API key) and Portal API "
            "(`/portal/{org}/…`, a contact person's bearer token). See docs/api.md."
        ),
        urls_namespace="api",
        docs_url="/docs",
        openapi_url="/openapi.json",
    )
    errors.install(api)
    books = BooksKey()
    for module in (books_contacts, books_invoices, books_documents, books_work, books_webhooks):
        module.router.auth = books
        api.add_router("/books", module.router)
    for module in (
        portal_auth,
        portal_documents,
        portal_money,
        portal_projects,
        portal_account,
    ):
        api.add_router("/portal", module.router)
    return api


api = build()
