"""The sandbox: a simulated payment processor (its own Django app, label "sandbox") and the
adapter that talks to it as a real client talks to a processor over HTTP.

processor.py is the processor's public API; adapter.py only calls that module (and the
shared signing scheme), never the processor's models.
"""
