"""Self-service pages, mounted under /portal/<org_slug>/account/ by portico.portal.urls."""

from __future__ import annotations

from django.urls import path

from portico.portal.self_service import views

app_name = "self_service"

urlpatterns = [
    path("details", views.details, name="details"),
    path("email", views.email_change, name="email_change"),
    path("email/confirm/<str:token>", views.email_confirm, name="email_confirm"),
    path("company", views.company, name="company"),
    path("contact", views.contact_business, name="contact"),
    path("review", views.review, name="review"),
]
