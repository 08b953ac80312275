from django.urls import path

from portico.payments import webhooks

app_name = "payments"

urlpatterns = [
    path("webhooks/<slug:kind>/<str:account_key>", webhooks.receive, name="webhook"),
]
