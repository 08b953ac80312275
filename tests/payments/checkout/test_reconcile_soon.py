"""After a crash: a checkout left unknown is settled from the gateway within the minute, by a
reconcile task queued for it (not only by the periodic job every few minutes)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from portico.payments import tasks
from portico.payments.checkout import services as checkout
from portico.payments.gateways.sandbox.models import Charge
from portico.payments.models import Checkout, Payment
from portico.sales.models import Invoice
from tests.payments.checkout.conftest import Tokenise

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
State = Checkout.State


def crash_after_the_charge(monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(**kwargs: Any) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(checkout, "checkout_apply_result", crash)


def run_due_tasks() -> None:
    call_command("db_worker", batch=True, no_startup_delay=True, interval=0, verbosity=0)


# the worker closes the connection between tasks, as it should: the test commits for real
@pytest.mark.django_db(transaction=True)
def test_a_checkout_left_unknown_is_confirmed_by_its_own_task_within_the_minute(
    settings: Any,
    pay: Any,
    invoice: Invoice,
    tokenise: Tokenise,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given the database task queue and a crash between the charge and its posting
    settings.TASKS = DATABASE_TASKS
    crash_after_the_charge(monkeypatch)
    start = timezone.now()
    with (
        time_machine.travel(start, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        done = pay([invoice], token=tokenise())
    monkeypatch.undo()
    assert done.state == State.UNKNOWN and Charge.objects.count() == 1

    # then a reconcile of that checkout is queued to run 30 seconds later
    queued = DBTaskResult.objects.get(task_path="portico.payments.tasks.reconcile_checkout")
    assert queued.args_kwargs["kwargs"] == {"checkout_id": done.pk}
    assert queued.run_after == start + tasks.RECONCILE_DELAY
    assert datetime.timedelta(minutes=1) > tasks.RECONCILE_DELAY

    # when the worker looks before the delay, nothing is due yet
    with time_machine.travel(start + datetime.timedelta(seconds=10), tick=False):
        run_due_tasks()
    done.refresh_from_db()
    assert done.state == State.UNKNOWN

    # when it looks 31 seconds later (well within the minute)
    with time_machine.travel(start + datetime.timedelta(seconds=31), tick=False):
        run_due_tasks()

    # then the gateway's charge is posted, once
    done.refresh_from_db()
    invoice.refresh_from_db()
    assert done.state == State.SUCCEEDED
    assert invoice.status == Invoice.Status.PAID
    assert Payment.objects.count() == 1
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"


def test_the_task_run_twice_posts_once_and_a_missing_checkout_is_no_error(
    pay: Any, invoice: Invoice, tokenise: Tokenise, monkeypatch: pytest.MonkeyPatch
) -> None:
    crash_after_the_charge(monkeypatch)
    done = pay([invoice], token=tokenise())
    monkeypatch.undo()
    assert done.state == State.UNKNOWN
    first = tasks.reconcile_checkout.enqueue(checkout_id=done.pk).return_value
    second = tasks.reconcile_checkout.enqueue(checkout_id=done.pk).return_value
    assert (first, second) == ("succeeded", "succeeded")
    assert Payment.objects.count() == 1
    assert tasks.reconcile_checkout.enqueue(checkout_id=done.pk + 1000).return_value == ""


def test_a_backend_that_cannot_defer_leaves_the_checkout_to_the_periodic_job(
    pay: Any,
    invoice: Invoice,
    tokenise: Tokenise,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given the immediate backend (tests' default): running the reconcile inside the request
    # that lost the answer would be no delay at all
    crash_after_the_charge(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        done = pay([invoice], token=tokenise())
    monkeypatch.undo()
    # then the checkout stays unknown until the periodic job, which takes it whatever its age
    done.refresh_from_db()
    assert done.state == State.UNKNOWN
    tasks.reconcile_checkouts.enqueue()
    done.refresh_from_db()
    assert done.state == State.SUCCEEDED
