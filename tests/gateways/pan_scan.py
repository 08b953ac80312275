"""Find card numbers (Luhn-valid 13–19 digit runs) and given secrets (a CVV) anywhere:
every column of every table, log records, the mail outbox, HTTP bodies.

Reusable: `assert_no_card_data(cvcs=["7351"], logs=caplog.records)` after a test that
typed cards into the hosted fields proves none of it was kept.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core import mail
from django.db import connection

from portico.payments.gateways.sandbox.cards import luhn_valid

# Digits, optionally grouped by single spaces or dashes ("4242 4242 4242 4242").
_DIGIT_RUN = re.compile(r"(?<![\d])\d(?:[ -]?\d){12,18}(?![\d])")
# Long hex tokens with at least one letter (UUIDs, hashes) are not card numbers.
_HEX_TOKEN = re.compile(r"(?i)\b(?=[0-9a-f-]*[a-f])[0-9a-f-]{32,}\b")


@dataclass(frozen=True)
class Finding:
    where: str
    what: str

    def __str__(self) -> str:
        # Show only the last four: the report must not become a leak itself.
        return f"{self.where}: …{self.what[-4:]}"


def card_numbers_in(text: str) -> list[str]:
    cleaned = _HEX_TOKEN.sub(" ", text)
    found = []
    for match in _DIGIT_RUN.finditer(cleaned):
        digits = re.sub(r"[ -]", "", match.group())
        if 13 <= len(digits) <= 19 and luhn_valid(digits):
            found.append(digits)
    return found


def secrets_in(text: str, secrets: Iterable[str]) -> list[str]:
    return [s for s in secrets if re.search(rf"(?<!\d){re.escape(s)}(?!\d)", text)]


def scan_text(where: str, text: str, secrets: Sequence[str] = ()) -> list[Finding]:
    # A short secret (a CVC "123") also occurs by chance inside ids and hashes: not a leak.
    hits = card_numbers_in(text) + secrets_in(_HEX_TOKEN.sub(" ", text), secrets)
    return [Finding(where, hit) for hit in hits]


def scan_database(secrets: Sequence[str] = ()) -> list[Finding]:
    """Every value of every column of every table, read with plain SQL."""
    findings: list[Finding] = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 — names from the schema
            columns = [c[0] for c in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if value is None or isinstance(value, (int, float)):
                        continue
                    text = (
                        value.decode(errors="replace") if isinstance(value, bytes) else str(value)
                    )
                    findings += scan_text(f"{table}.{column}", text, secrets)
    return findings


def scan_logs(records: Iterable[logging.LogRecord], secrets: Sequence[str] = ()) -> list[Finding]:
    findings: list[Finding] = []
    for record in records:
        findings += scan_text(f"log {record.name}", record.getMessage(), secrets)
    return findings


def scan_outbox(secrets: Sequence[str] = ()) -> list[Finding]:
    """What a message says (addresses, subject, bodies, attachment names), not the ids its
    transport adds: a Message-ID's digit run is sometimes Luhn-valid by chance."""
    findings: list[Finding] = []
    for index, message in enumerate(getattr(mail, "outbox", [])):
        parts = [*message.to, *message.cc, message.subject, str(message.body)]
        parts += [str(content) for content, _ in getattr(message, "alternatives", [])]
        parts += [str(attachment[0]) for attachment in message.attachments if attachment]
        findings += scan_text(f"mail {index}", "\n".join(parts), secrets)
    return findings


def assert_no_card_data(
    *,
    cvcs: Sequence[str] = (),
    logs: Iterable[logging.LogRecord] = (),
    texts: Iterable[tuple[str, str]] = (),
) -> None:
    findings = scan_database(cvcs) + scan_logs(logs, cvcs) + scan_outbox(cvcs)
    for where, text in texts:
        findings += scan_text(where, text, cvcs)
    assert not findings, "card data found: " + "; ".join(str(f) for f in findings)
