"""Messages a business writes once and Portico fills for each document and recipient.

"Invoice {document_number} from {organisation_name}" — one rule for every template an
organisation edits (the Send form's subject and message, payment reminders): only the
placeholders below exist; a template naming another one is refused when it is saved, so a
customer never receives a "{typo}".
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portico.core.errors import DomainError

PLACEHOLDERS: dict[str, object] = {
    "organisation_name": gettext_lazy("your business's name"),
    "customer_name": gettext_lazy("the customer's name"),
    "contact_name": gettext_lazy("the recipient's name"),
    "document_type": gettext_lazy("estimate, invoice, retainer invoice…"),
    "document_number": gettext_lazy("the document's number"),
    "document_total": gettext_lazy("the document's total, in its currency"),
    "balance_due": gettext_lazy("what is still to pay, in its currency"),
    "issue_date": gettext_lazy("the date the document was issued"),
    "due_date": gettext_lazy("the due date (invoices) or expiry date (estimates)"),
    "days_overdue": gettext_lazy("how many days the invoice is overdue"),
    "link": gettext_lazy("the address that opens the document"),
}

_FIELD = re.compile(r"\{([^{}]*)\}")


def unknown(template: str) -> list[str]:
    """The names between braces in `template` that are not placeholders, in order, once each."""
    found: list[str] = []
    for name in _FIELD.findall(template):
        if name.strip() not in PLACEHOLDERS and name not in found:
            found.append(name)
    return found


def check(template: str, *, field: str | None = None) -> str:
    """`template` unchanged, or a `DomainError` naming the placeholders that do not exist."""
    names = unknown(template)
    if names:
        raise DomainError(
            _("Unknown placeholder %(names)s. Use one of: %(known)s.")
            % {
                "names": ", ".join(f"{{{name}}}" for name in names),
                "known": ", ".join(f"{{{name}}}" for name in PLACEHOLDERS),
            },
            code="unknown_placeholder",
            field=field,
        )
    return template


def validate(template: str) -> None:
    """Model and form field validator: the same rule as `check`, as a field error."""
    try:
        check(template)
    except DomainError as error:
        raise ValidationError(error.message, code=error.code) from None


def fill(template: str, values: Mapping[str, object]) -> str:
    """Replace each `{name}` with `values[name]`; a placeholder without a value becomes ""."""
    return _FIELD.sub(
        lambda match: (
            str(values.get(match.group(1).strip(), ""))
            if match.group(1).strip() in PLACEHOLDERS
            else match.group(0)
        ),
        template,
    )
