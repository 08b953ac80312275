"""Online checkout: the plan (what may be paid), the services (start, apply, settle) and the
portal's reads. Import the modules: `from portico.payments.checkout import services`."""
