"""Everything under /portal/<org_slug>/ (mounted by portico.urls)."""

from __future__ import annotations

from django.urls import include, path

from portico.portal import views
from portico.portal.pages import urls as pages_urls

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("login", views.login, name="login"),
    path("login/verify", views.two_factor_verify, name="two_factor_verify"),
    path("logout", views.logout, name="logout"),
    path("language", views.language, name="language"),
    path("choose", views.choose, name="choose"),
    path("brand.css", views.brand_css, name="brand_css"),
    path("password/forgot", views.password_forgot, name="password_forgot"),
    path("password/reset/<str:token>", views.password_reset, name="password_reset"),
    path("invitation/<str:token>", views.invitation_accept, name="invitation_accept"),
    path("links/<str:token>/renew", views.link_renew, name="link_renew"),
    path("d/<str:token>", views.document_link, name="document_link"),
    path("d/<str:token>/renew", views.document_link_renew, name="document_link_renew"),
    path("account", views.account, name="account"),
    path("account/password", views.password_change, name="password_change"),
    path("account/sessions/<uuid:session_id>/end", views.session_end, name="session_end"),
    path("account/sessions/end-others", views.sessions_end_others, name="sessions_end_others"),
    path("account/two-factor", views.two_factor_setup, name="two_factor_setup"),
    path("account/two-factor/off", views.two_factor_disable, name="two_factor_disable"),
    path("account/", include("portico.portal.self_service.urls")),
    path("pay/", include("portico.portal.payments.urls")),
    path("documents/", include("portico.portal.documents.urls")),
    *pages_urls.urlpatterns,
]
