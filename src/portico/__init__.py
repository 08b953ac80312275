"""Portico: an invoicing back office with a client portal."""
