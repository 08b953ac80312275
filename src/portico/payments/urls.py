from django.urls import path

from portico.payments import webhooks

app_name = "payments"

urlpatterns = [
    # Stripe's endpoint names the gateway account by its public id (docs/stripe.md).
    path("webhooks/stripe/<uuid:account_id>", webhooks.receive_stripe, name="webhook_stripe"),
    path("webhooks/<slug:kind>/<str:account_key>", webhooks.receive, name="webhook"),
]
