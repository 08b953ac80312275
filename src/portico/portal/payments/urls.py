"""Online payment pages, mounted under /portal/<org_slug>/pay/ (names in the `portal` namespace)."""

from __future__ import annotations

from django.urls import path

from portico.portal.payments import views

urlpatterns = [
    path("", views.pay, name="checkout"),
    path("choose", views.pay_choose, name="checkout_choose"),
    path("credit", views.credit_apply, name="checkout_credit_apply"),
    path("checkouts/<uuid:checkout_id>", views.checkout_detail, name="checkout_detail"),
    path(
        "checkouts/<uuid:checkout_id>/authenticated",
        views.checkout_authenticated,
        name="checkout_authenticated",
    ),
    path("methods", views.methods, name="saved_methods"),
    path("methods/add", views.method_add, name="saved_method_add"),
    path("methods/<uuid:method_id>/default", views.method_default, name="saved_method_default"),
    path("methods/<uuid:method_id>/edit", views.method_edit, name="saved_method_edit"),
    path("methods/<uuid:method_id>/delete", views.method_delete, name="saved_method_delete"),
    path("autopay/<uuid:profile_id>/off", views.autopay_off, name="autopay_off"),
]
