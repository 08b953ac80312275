"""Statement PDFs: short ones at once, long ones by the worker, each kept until the customer's
ledger moves on; a retried or re-run render does its work once; another customer's is a 404."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.http import Http404

from portico.contacts.models import Contact, ContactPerson
from portico.contacts.scope import PortalScope
from portico.documents import pdf, statement_pdfs, tasks
from portico.documents.models import StatementPdf
from portico.orgs.models import Organisation
from portico.payments import services as payments
from tests.documents.conftest import D, pdf_text

pytestmark = pytest.mark.django_db
Status = StatementPdf.Status


def ask(contact: Contact, language: str = "en") -> StatementPdf:
    return statement_pdfs.statement_pdf_request(
        organisation=contact.organisation,
        contact=contact,
        start=D(2026, 2, 1),
        end=D(2026, 2, 28),
        language=language,
    )


def stored_files(job: StatementPdf) -> list[str]:
    folder = job.path.rsplit("/", 1)[0]
    return default_storage.listdir(folder)[1]


def test_a_short_statement_is_left_to_the_request_and_kept(
    february: Contact, renders: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    # given a two-line statement asked for
    with django_capture_on_commit_callbacks(execute=True) as queued:
        job = ask(february)
    # then nothing is queued: the request renders it
    assert queued == [] and job.lines == 2 and statement_pdfs.render_inline(job)
    ready = statement_pdfs.statement_pdf_render_now(job=job)
    assert ready.status == Status.READY
    assert "INV-" in pdf_text(statement_pdfs.statement_pdf_content(ready))
    # when it is asked for again, the same PDF is served without rendering
    again = ask(february)
    assert again.pk == job.pk and again.status == Status.READY
    assert len(renders) == 1


def test_a_long_statement_is_rendered_by_the_worker(
    february: Contact, long_statements: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as queued:
        job = ask(february)
    assert len(queued) == 1  # the task, run by the immediate backend in tests
    job.refresh_from_db()
    assert job.status == Status.READY and job.attempts == 1
    assert statement_pdfs.statement_pdf_content(job).startswith(b"%PDF")


def test_the_task_run_again_renders_nothing_more_and_sends_one_email(
    february: Contact,
    customer_a_person: ContactPerson,
    long_statements: None,
    renders: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a queued statement that the person asked to have emailed
    job = ask(february)
    statement_pdfs.statement_pdf_email(job=job, person=customer_a_person)
    # when the worker runs it, and a retry (or a second worker) runs it again
    with django_capture_on_commit_callbacks(execute=True):
        tasks.statement_pdf_render.enqueue(job.pk)
        tasks.statement_pdf_render.enqueue(job.pk)
    # then it was rendered once, stored once and emailed once, with the PDF attached
    job.refresh_from_db()
    assert job.status == Status.READY and len(renders) == 1
    assert stored_files(job) == [f"{job.key}.pdf"]
    assert [m.to for m in mail.outbox] == [[customer_a_person.email]]
    attachment = mail.outbox[0].attachments[0]
    assert attachment[0] == "statement-2026-02-01-2026-02-28.pdf"
    assert attachment[1].startswith(b"%PDF")


def test_a_worker_killed_after_storing_the_file_is_finished_without_rendering_again(
    february: Contact, long_statements: None, renders: list[Any]
) -> None:
    # given a worker that stored the PDF and died before marking the statement ready
    job = ask(february)
    statement_pdfs.statement_pdf_make(job_id=job.pk)
    StatementPdf.objects.filter(pk=job.pk).update(status=Status.PREPARING)
    # when the queue runs the task again
    tasks.statement_pdf_render.enqueue(job.pk)
    # then the stored file is the statement's, rendered once
    job.refresh_from_db()
    assert job.status == Status.READY and len(renders) == 1
    assert stored_files(job) == [f"{job.key}.pdf"]


def test_a_render_that_keeps_failing_is_marked_failed_and_asking_again_retries(
    february: Contact, long_statements: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> bytes:
        raise OSError("disk full")

    monkeypatch.setattr(pdf, "statement_pdf", broken)
    job = ask(february)
    for _ in range(3):  # every attempt the task's policy allows
        with pytest.raises(OSError):
            statement_pdfs.statement_pdf_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Status.FAILED and job.attempts == 3
    again = ask(february)
    assert again.pk == job.pk and again.status == Status.PREPARING and again.attempts == 0


def test_a_posting_makes_the_next_request_a_new_statement(
    february: Contact, renders: list[Any]
) -> None:
    # given February's PDF, ready
    first = statement_pdfs.statement_pdf_render_now(job=ask(february))
    # when a payment is posted to the customer's ledger
    payments.payment_record(
        contact=february,
        date=D(2026, 2, 20),
        amount=Decimal("80.00"),
        mode="bank_transfer",
        allocations=[],
    )
    # then the same period is a new statement, showing the payment
    second = ask(february)
    assert second.pk != first.pk and second.status == Status.PREPARING
    assert second.ledger_version == first.ledger_version + 1 and second.lines == 3
    second = statement_pdfs.statement_pdf_render_now(job=second)
    assert "Payment" in pdf_text(statement_pdfs.statement_pdf_content(second))
    assert len(renders) == 2


def test_each_language_is_its_own_statement(february: Contact) -> None:
    assert ask(february, "en").pk != ask(february, "de").pk


def test_another_customers_statement_pdf_is_not_found(
    org: Organisation,
    february: Contact,
    customer_a_person: ContactPerson,
    customer_b: Contact,
    customer_b_person: ContactPerson,
    other_org_person: ContactPerson,
) -> None:
    job = ask(february)
    own = PortalScope(org, february, customer_a_person)
    assert statement_pdfs.statement_pdf_get_for_portal(scope=own, public_id=job.public_id) == job
    for scope in (
        PortalScope(org, customer_b, customer_b_person),
        PortalScope(other_org_person.organisation, other_org_person.contact, other_org_person),
    ):
        with pytest.raises(Http404):
            statement_pdfs.statement_pdf_get_for_portal(scope=scope, public_id=job.public_id)


def test_a_statement_beyond_the_background_cap_is_refused_before_anything_is_made(
    february: Contact, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(statement_pdfs, "MAX_LINES", 1)
    with pytest.raises(statement_pdfs.rendering.RenderError) as refused:
        ask(february)
    assert refused.value.code == "document_too_long"
    assert not StatementPdf.objects.exists()


def test_a_ready_statement_whose_file_was_lost_is_made_again_when_asked(
    february: Contact, renders: list[Any]
) -> None:
    # given February's PDF, ready, whose stored file is gone (media restored without it)
    job = statement_pdfs.statement_pdf_render_now(job=ask(february))
    default_storage.delete(job.path)
    # when it is asked for again
    again = statement_pdfs.statement_pdf_prepare(
        organisation=february.organisation,
        contact=february,
        start=D(2026, 2, 1),
        end=D(2026, 2, 28),
        language="en",
    )
    # then the same statement is rendered again, and readable
    assert again.pk == job.pk and again.status == Status.READY and len(renders) == 2
    assert statement_pdfs.statement_pdf_content(again).startswith(b"%PDF")
