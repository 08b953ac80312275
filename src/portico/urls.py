from django.urls import include, path

from portico.backoffice.sites import site
from portico.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("admin/", site.urls),
    path("books/", include("portico.sales.urls")),
    path("payments/", include("portico.payments.urls")),
    path("sandbox-gateway/", include("portico.payments.gateways.sandbox.urls")),
    path("backoffice/documents/", include("portico.documents.staff_urls")),
    path("portal/<slug:org_slug>/", include("portico.portal.urls")),
]
