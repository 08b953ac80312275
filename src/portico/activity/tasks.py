from __future__ import annotations

from typing import Any

from django_tasks import task

from portico.activity.mail import OutgoingEmail


@task()
def send_email(payload: dict[str, Any]) -> int:
    """Send one composed email. Returns the number of messages the backend accepted."""
    fields = dict(payload)
    fields["attachments"] = [tuple(item) for item in fields.get("attachments", [])]
    return OutgoingEmail(**fields).as_message().send()
