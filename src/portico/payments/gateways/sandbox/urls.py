from django.urls import path

from portico.payments.gateways.sandbox import views

app_name = "sandbox"

urlpatterns = [
    path("v1/tokens", views.tokens, name="tokens"),
    path("v1/hosted-fields", views.hosted_fields, name="hosted_fields"),
    path("v1/try", views.try_it, name="try"),
]
