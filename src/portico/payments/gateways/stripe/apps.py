from django.apps import AppConfig


class StripeGatewayConfig(AppConfig):
    name = "portico.payments.gateways.stripe"
    label = "stripe_gateway"
    verbose_name = "Stripe payment gateway"
