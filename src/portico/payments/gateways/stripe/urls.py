from django.urls import path

from portico.payments.gateways.stripe import views

app_name = "stripe_gateway"

urlpatterns = [
    path("v1/hosted-fields/<uuid:account_id>", views.hosted_fields, name="hosted_fields"),
    path("v1/setup-intents/<uuid:account_id>", views.setup_intent, name="setup_intents"),
    path("v1/payment-methods/<uuid:account_id>", views.payment_method, name="payment_methods"),
]
