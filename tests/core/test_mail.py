from __future__ import annotations

import pytest
from django.core import mail

from portico.activity.mail import OutgoingEmail, send_after_commit


@pytest.mark.django_db
def test_mail_is_sent_by_a_task_after_commit(django_capture_on_commit_callbacks: object) -> None:
    email = OutgoingEmail(
        to=["ann@example.com"],
        subject="Hello",
        text="Plain",
        html="<p>Rich</p>",
        reply_to=["replies@example.com"],
    )
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        send_after_commit(email)
        assert mail.outbox == []  # nothing leaves before the transaction commits
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ann@example.com"]
    assert message.reply_to == ["replies@example.com"]
    assert message.alternatives[0].content == "<p>Rich</p>"


def test_a_line_break_in_a_subject_cannot_start_a_new_header() -> None:
    email = OutgoingEmail(to=["a@example.com"], subject="Hi\r\nBcc: victim@example.com", text="x")
    message = email.as_message().message()
    assert message["Bcc"] is None
    assert message["Subject"] == "Hi Bcc: victim@example.com"
