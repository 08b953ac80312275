"""Secrets never reach a log.

One-time links carry their token in the address (`/portal/<org>/password/reset/<token>`,
`/invitation/<token>`, `/d/<token>` …), and Django's request log ("Gone: /portal/…/<token>"),
django-axes ("Successful login … path_info: …") and the server's access log (request line,
referrer) would print it. `install()` (from the core app's `ready`) makes every log record, of
any logger and for any handler, pass through `redact`, which blanks every path segment that
looks like a token and the value of `token=`, `key=`, `secret=`, `password=` pairs.

`QuietTemplates` drops django.template's DEBUG records: each prints the whole context of a page,
which may hold what the page shows once (a new API key, a second factor's secret).
"""

from __future__ import annotations

import logging
import re
from typing import Any

# secrets.token_urlsafe(32) is 43 characters; API keys and bearer tokens are longer still.
# UUIDs (36 with dashes) and slugs stay readable.
TOKEN_SEGMENT = re.compile(r"(?<=/)[A-Za-z0-9_-]{40,}(?=[/?#\s\"',;)]|$)")
NAMED_SECRET = re.compile(r"(?i)\b(token|key|secret|password|signature)=[^&\s\"',;)]+")
REDACTED = "[redacted]"


def redact(text: str) -> str:
    return NAMED_SECRET.sub(rf"\1={REDACTED}", TOKEN_SEGMENT.sub(REDACTED, text))


def _redacted_record(factory: Any) -> Any:
    def make(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record: logging.LogRecord = factory(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a bad format string stays the handler's problem, as before
            return record
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return record

    make.portico_redacts = True  # type: ignore[attr-defined]
    return make


def install() -> None:
    """Redact every record from now on (once, whatever the number of calls)."""
    factory = logging.getLogRecordFactory()
    if not getattr(factory, "portico_redacts", False):
        logging.setLogRecordFactory(_redacted_record(factory))


class QuietTemplates(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.DEBUG
