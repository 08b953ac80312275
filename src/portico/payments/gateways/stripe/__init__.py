"""Stripe: card payments through the official `stripe` library (its own Django app, label
"stripe_gateway").

Card details are typed into Stripe Elements on this app's hosted-fields page (views.py), which
confirms a SetupIntent with Stripe.js (3-D Secure included) and hands the portal's page only the
PaymentMethod id, brand, last four and expiry. adapter.py charges it with a PaymentIntent.
"""
