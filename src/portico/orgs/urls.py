"""Public brand assets (mounted at /brand/ by portico.urls)."""

from __future__ import annotations

from django.urls import path

from portico.orgs import views

urlpatterns = [
    path("<path:name>", views.logo, name="brand_logo"),
]
