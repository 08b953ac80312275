"""Work that talks to the outside: retried with backoff up to a limit, and a task that finally
fails is recorded once, notified once, shown to its organisation and retried on request."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from portico.accounts.models import User
from portico.activity import tasks as mail_tasks
from portico.activity.mail import OutgoingEmail, send_after_commit
from portico.activity.models import EmailDelivery, Notification
from portico.core import jobs
from portico.core.models import FailedTask
from portico.core.workers import DatabaseWorker
from portico.orgs.models import Organisation

CALLS: list[dict[str, Any]] = []
SUCCEED_FROM: dict[str, int] = {"attempt": 99}


def _org_of(organisation_id: int | None, **_: Any) -> int | None:
    return organisation_id


@jobs.retrying(attempts=3, backoff_seconds=30, organisation=_org_of)
def call_the_outside(organisation_id: int | None) -> str:
    CALLS.append({"organisation_id": organisation_id})
    if len(CALLS) < SUCCEED_FROM["attempt"]:
        raise ConnectionRefusedError("the mail server is unreachable")
    return "sent"


@jobs.retrying(attempts=5, organisation=_org_of)
def refused_for_good(organisation_id: int | None) -> None:
    raise jobs.PermanentFailure("the address does not exist")


@pytest.fixture(autouse=True)
def _fresh_calls() -> None:
    CALLS.clear()
    SUCCEED_FROM["attempt"] = 99


def database_queue(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker_once() -> None:
    DatabaseWorker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
        sleep=lambda seconds: None,
    ).run_resilient()


def test_the_backoff_doubles_and_is_capped() -> None:
    policy = jobs.RetryPolicy(attempts=10, backoff_seconds=30, max_delay_seconds=200)
    assert [policy.delay(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 200]


@pytest.mark.django_db(transaction=True)
def test_a_failing_task_is_queued_again_later_with_a_growing_delay(
    settings: Any, org: Organisation
) -> None:
    # given the database queue and a task whose outside world is down
    database_queue(settings)
    start = timezone.now()
    call_the_outside.enqueue(org.pk)

    # when the worker runs it
    with time_machine.travel(start, tick=False):
        run_worker_once()

    # then it failed once and waits 30 s for its second attempt
    assert len(CALLS) == 1
    retry = DBTaskResult.objects.filter(status="READY").get()
    assert retry.args_kwargs["kwargs"] == {jobs.ATTEMPT: 2}
    assert retry.run_after == start + timedelta(seconds=30)
    assert DBTaskResult.objects.failed().count() == 1

    # when its time comes and it fails again, the next wait is twice as long
    later = start + timedelta(seconds=31)
    with time_machine.travel(later, tick=False):
        run_worker_once()
    assert len(CALLS) == 2
    third = DBTaskResult.objects.filter(status="READY").get()
    assert third.args_kwargs["kwargs"] == {jobs.ATTEMPT: 3}
    assert third.run_after == later + timedelta(seconds=60)

    # when the third and last attempt fails, it is recorded once and nothing is queued
    with time_machine.travel(later + timedelta(seconds=61), tick=False):
        run_worker_once()
    assert len(CALLS) == 3
    assert not DBTaskResult.objects.filter(status="READY").exists()
    failed = FailedTask.objects.get()
    assert failed.attempts == 3
    assert failed.error == "builtins.ConnectionRefusedError"
    assert "unreachable" in failed.message
    assert failed.organisation_id == org.pk


@pytest.mark.django_db(transaction=True)
def test_a_task_that_succeeds_on_a_retry_leaves_no_failure(
    settings: Any, org: Organisation
) -> None:
    database_queue(settings)
    SUCCEED_FROM["attempt"] = 2
    call_the_outside.enqueue(org.pk)
    run_worker_once()
    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        run_worker_once()
    assert len(CALLS) == 2
    assert DBTaskResult.objects.successful().count() == 1
    assert not FailedTask.objects.exists()
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_a_final_failure_is_recorded_once_with_one_notification(org: Organisation) -> None:
    # given the immediate backend of the tests (retries run at once)
    call_the_outside.enqueue(org.pk)

    assert len(CALLS) == 3
    failed = FailedTask.objects.get()
    notes = Notification.objects.filter(organisation=org, kind=Notification.Kind.TASK_FAILED)
    assert notes.count() == 1
    assert "call the outside" in notes.get().text

    # a task run twice (the same result) records and notifies nothing more
    again = jobs.failed_task_record(
        result_id=failed.result_id,
        task_path=failed.task_path,
        args=[org.pk],
        kwargs={},
        attempts=3,
        error="x",
    )
    assert again is None
    assert FailedTask.objects.count() == 1
    assert notes.count() == 1


@pytest.mark.django_db
def test_a_permanent_failure_is_not_retried(org: Organisation) -> None:
    refused_for_good.enqueue(org.pk)
    failed = FailedTask.objects.get()
    assert failed.attempts == 1
    assert failed.error == "portico.core.jobs.PermanentFailure"


@pytest.mark.django_db
def test_a_global_failure_mails_the_admins_and_is_shown_to_superusers_only(
    settings: Any, owner: User, owner_client: Client, org: Organisation
) -> None:
    settings.ADMINS = [("Ops", "ops@portico.example")]
    call_the_outside.enqueue(None)

    failed = FailedTask.objects.get()
    assert failed.organisation_id is None
    assert not Notification.objects.exists()
    assert [m.to for m in mail.outbox] == [["ops@portico.example"]]

    url = reverse("admin:core_failedtask_changelist")
    assert failed not in owner_client.get(url).context["cl"].result_list
    User.objects.filter(pk=owner.pk).update(is_superuser=True)
    assert list(owner_client.get(url).context["cl"].result_list) == [failed]


@pytest.mark.django_db
def test_the_owner_sees_what_failed_why_and_when(
    owner_client: Client, org: Organisation, other_org: Organisation
) -> None:
    call_the_outside.enqueue(org.pk)
    call_the_outside.enqueue(other_org.pk)
    own = FailedTask.objects.get(organisation_id=org.pk)

    listing = owner_client.get(reverse("admin:core_failedtask_changelist"))
    assert list(listing.context["cl"].result_list) == [own]
    page = owner_client.get(reverse("admin:core_failedtask_change", args=[own.pk]))
    body = page.content.decode()
    assert "call_the_outside" in body
    assert "the mail server is unreachable" in body
    foreign = FailedTask.objects.get(organisation_id=other_org.pk)
    assert (
        owner_client.get(reverse("admin:core_failedtask_change", args=[foreign.pk])).status_code
        == 404
    )


@pytest.mark.django_db(transaction=True)
def test_retry_now_queues_the_task_again_once(owner_client: Client, org: Organisation) -> None:
    # given a task that failed for good and an outside world that is back
    call_the_outside.enqueue(org.pk)
    failed = FailedTask.objects.get()
    SUCCEED_FROM["attempt"] = 0

    # when the owner clicks "retry now" twice
    url = reverse("admin:core_failedtask_changelist")
    for _ in range(2):
        owner_client.post(url, {"action": "retry_now", "_selected_action": [failed.pk]})

    # then the task ran once more, from its first attempt
    assert len(CALLS) == 4
    failed.refresh_from_db()
    assert failed.retried_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_retried_email_is_sent_once(settings: Any) -> None:
    # given an email queued on the database queue
    database_queue(settings)
    send_after_commit(OutgoingEmail(to=["a@example.com"], subject="Invoice", text="Hello"))
    queued = DBTaskResult.objects.get()
    payload = queued.args_kwargs["args"][0]
    assert payload["key"]

    # when it runs, and the same task runs again (a retry, a worker lost after sending)
    run_worker_once()
    mail_tasks.send_email.enqueue(payload)
    run_worker_once()

    # then it was sent once, with a Message-ID that names its key
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == f"<{payload['key']}@portico>"
    assert EmailDelivery.objects.filter(key=payload["key"]).count() == 1


@pytest.mark.django_db
def test_an_unreachable_mail_server_is_retried_then_shown_to_the_organisation(
    settings: Any, org: Organisation
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    mail_tasks.send_email.enqueue(
        {"to": ["a@example.com"], "subject": "Hi", "text": "x", "organisation_id": org.pk}
    )
    failed = FailedTask.objects.get()
    assert failed.attempts == 6
    assert failed.task_path == "portico.activity.tasks.send_email"
    assert Notification.objects.filter(kind=Notification.Kind.TASK_FAILED).count() == 1
