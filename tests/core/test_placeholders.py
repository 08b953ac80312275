from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from portico.core import placeholders
from portico.core.errors import DomainError


def test_fill_replaces_known_placeholders_and_keeps_other_text() -> None:
    text = placeholders.fill(
        "Invoice {document_number} for { customer_name }: {balance_due} — {link}",
        {"document_number": "INV-7", "customer_name": "Acme", "balance_due": "$10.00"},
    )

    assert text == "Invoice INV-7 for Acme: $10.00 — "


def test_check_refuses_an_unknown_placeholder_and_names_it_once() -> None:
    with pytest.raises(DomainError) as raised:
        placeholders.check("Dear {name}, {name} {document_number}", field="subject")

    assert raised.value.code == "unknown_placeholder"
    assert raised.value.field == "subject"
    assert raised.value.message.startswith("Unknown placeholder {name}. Use one of:")


def test_validate_is_a_field_validator() -> None:
    placeholders.validate("Hello {contact_name}")
    with pytest.raises(ValidationError):
        placeholders.validate("Hello {contact}")
