from django.urls import include, path

from portico.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("", include("portico.backoffice.urls")),
    path("payments/", include("portico.payments.urls")),
    path("sandbox-gateway/", include("portico.payments.gateways.sandbox.urls")),
    path("portal/<slug:org_slug>/", include("portico.portal.urls")),
    path("api/v1/", include(("portico.api.urls", "api"), namespace="api")),
]
