"""Self-service pages, mounted under /portal/<org_slug>/account/ by portico.portal.urls.

No namespace of their own: they are `portal:` URLs, walked by the portal tenancy test.
"""

from __future__ import annotations

from django.urls import path

from portico.portal.self_service import views

urlpatterns = [
    path("details", views.details, name="my_details"),
    path("email", views.email_change, name="email_change"),
    path("email/confirm/<str:token>", views.email_confirm, name="email_confirm"),
    path("company", views.company, name="company_details"),
    path("contact", views.contact_business, name="contact_business"),
    path("review", views.review, name="review"),
]
