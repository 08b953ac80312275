"""Statement PDFs: asked for by a customer, rendered once per ledger version, kept until then.

A statement's PDF costs about 0.1 s a page, so a long one is rendered by a task
(`tasks.statement_pdf_render`) while the customer's page waits for it, and only a short one
(`INLINE_LINES`, known from one count before anything is rendered) inside the request. Either
way the result is a `StatementPdf` keyed by what it shows — customer, period, language and
the customer's ledger version (`sales.ledger.version_of`, bumped by every posting) — so the
same statement asked for again is served from storage until the ledger moves on, and a
retried or re-run render finds its work done.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import logging
import posixpath
from dataclasses import replace
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from portico.activity.mail import compose_email, send_after_commit, site_link
from portico.contacts.models import Contact, ContactPerson
from portico.contacts.scope import PortalScope
from portico.core import jobs
from portico.core.errors import DomainError
from portico.core.tenancy import get_for_scope
from portico.documents import context as document_context
from portico.documents import pdf, rendering, responses
from portico.documents.models import StatementPdf
from portico.orgs.models import Organisation
from portico.sales import ledger
from portico.statements import selectors as statement_selectors

logger = logging.getLogger(__name__)

INLINE_LINES: int = getattr(settings, "PORTICO_STATEMENT_INLINE_LINES", 40)
"""Up to this many lines (about two pages) a statement PDF is rendered inside the request."""
INLINE_WAIT_SECONDS = 0.2
"""How long a request waits for a free render slot before handing the render to a task."""
MAX_LINES: int = getattr(settings, "PORTICO_STATEMENT_PDF_MAX_LINES", 10_000)
"""The longest statement rendered at all (in the background: about 500 pages)."""
CACHE_ROOT = "documents/statements"
REFRESH_SECONDS = 2
"""How often a statement's page reloads itself while the PDF is prepared."""
NOT_FOUND = "No such statement."
Status = StatementPdf.Status


def statement_key(
    *,
    organisation: Organisation,
    contact: Contact,
    start: datetime.date,
    end: datetime.date,
    language: str,
    ledger_version: int,
) -> str:
    """A digest of everything the statement's PDF shows."""
    parts = [
        pdf.LAYOUT_VERSION,
        str(contact.public_id),
        start.isoformat(),
        end.isoformat(),
        language,
        str(ledger_version),
        contact.updated_at.isoformat(),
        organisation.updated_at.isoformat(),
        organisation.logo.name or "",
        document_context.branding(organisation)["brand_colour"],
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def statement_pdf_request(
    *,
    organisation: Organisation,
    contact: Contact,
    start: datetime.date,
    end: datetime.date,
    language: str,
) -> StatementPdf:
    """The customer's statement PDF for the period: the one already made or being made for
    this ledger version, else a new one, queued for the worker unless it is short enough to
    render at once (`render_inline`). Asking again after a failure, or for a ready one whose
    file was lost, tries again."""
    if end < start:
        raise DomainError(_("The statement ends before it starts."), code="invalid_period")
    lines = statement_selectors.line_count(contact=contact, start=start, end=end)
    rendering.check_size(lines, MAX_LINES)
    version = ledger.version_of(organisation_id=organisation.pk, contact_id=contact.pk)
    key = statement_key(
        organisation=organisation,
        contact=contact,
        start=start,
        end=end,
        language=language,
        ledger_version=version,
    )
    mine = StatementPdf.objects.filter(organisation=organisation, contact=contact)
    found = mine.filter(key=key).first()
    if found is not None and found.status != Status.FAILED and not _lost(found):
        return found  # asked again: no write, no lock
    with transaction.atomic():
        job, created = StatementPdf.objects.get_or_create(
            organisation=organisation,
            contact=contact,
            key=key,
            defaults={
                "start": start,
                "end": end,
                "language": language,
                "ledger_version": version,
                "lines": lines,
            },
        )
        if job.status == Status.FAILED or _lost(job):
            StatementPdf.objects.filter(pk=job.pk).update(status=Status.PREPARING, attempts=0)
            job.status, job.attempts, created = Status.PREPARING, 0, True
        if created and not render_inline(job):
            _queue(job)
    return job


def _lost(job: StatementPdf) -> bool:
    """A ready statement whose file is gone from storage (media restored without it, a
    lifecycle rule): made again rather than answered with an error until the ledger moves."""
    return job.status == Status.READY and not default_storage.exists(job.path)


def statement_pdf_prepare(
    *,
    organisation: Organisation,
    contact: Contact,
    start: datetime.date,
    end: datetime.date,
    language: str,
) -> StatementPdf:
    """What asking for a statement's PDF does, wherever it is asked (the portal, the back
    office): the kept PDF; else a short one rendered now, inside the request; else one left to
    the worker, never rendered by the request. Ready, or preparing (its page shows progress)."""
    job = statement_pdf_request(
        organisation=organisation, contact=contact, start=start, end=end, language=language
    )
    if job.status == Status.PREPARING and render_inline(job):
        job = statement_pdf_render_now(job=job)
    return job


def render_inline(job: StatementPdf) -> bool:
    """Whether the request itself renders this PDF (short enough to be certainly fast)."""
    return job.lines <= INLINE_LINES


def _queue(job: StatementPdf) -> None:
    from portico.documents import tasks

    transaction.on_commit(lambda: tasks.statement_pdf_render.enqueue(job.pk))


def statement_pdf_get_for_portal(*, scope: PortalScope, public_id: Any) -> StatementPdf:
    """One of the customer's statement PDFs; another customer's or organisation's is a 404."""
    mine = StatementPdf.objects.filter(organisation=scope.organisation, contact=scope.contact)
    return get_for_scope(mine, public_id, message=NOT_FOUND)


def statement_pdf_get_for_staff(*, organisation: Organisation, public_id: Any) -> StatementPdf:
    """A statement PDF of any customer of the staff member's organisation; another
    organisation's is a 404."""
    ours = StatementPdf.objects.filter(organisation=organisation).select_related("contact")
    return get_for_scope(ours, public_id, message=NOT_FOUND)


def refreshing_while_preparing(response: HttpResponse, job: StatementPdf) -> HttpResponse:
    """The statement's page, told to reload itself while the PDF is prepared: the `Refresh`
    header is understood by every browser like <meta http-equiv="refresh"> and needs no script."""
    if job.status == Status.PREPARING:
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


def statement_pdf_content(job: StatementPdf) -> bytes:
    """The stored PDF of a ready statement."""
    with default_storage.open(job.path, "rb") as handle:
        return bytes(handle.read())


def filename_of(job: StatementPdf, *, customer: bool = False) -> str:
    """The download's name; staff, who download many customers' statements, get the
    customer's name in it (`customer`)."""
    period = f"{job.start:%Y-%m-%d}-{job.end:%Y-%m-%d}"
    return f"statement-{job.contact.display_name}-{period}" if customer else f"statement-{period}"


def statement_pdf_response(job: StatementPdf, *, customer: bool = False) -> HttpResponse:
    """The download of a ready statement (`filename_of` says what `customer` does)."""
    return responses.pdf_response(
        statement_pdf_content(job), name=filename_of(job, customer=customer)
    )


def statement_pdf_render_now(*, job: StatementPdf) -> StatementPdf:
    """Render a short statement inside the request, or hand it to the worker when every render
    slot is busy (the request never waits long). Answers the job as it now is."""
    try:
        return statement_pdf_make(job_id=job.pk, wait=INLINE_WAIT_SECONDS)
    except rendering.RenderError as error:
        if error.code != "render_busy":
            raise
    _queue(job)
    return job


def statement_pdf_make(*, job_id: int, wait: float | None = None) -> StatementPdf:
    """Render the statement and mark it ready; safe to run twice (a retry, a worker killed
    mid-render): a ready statement is left as it is, and the file's name is the key's."""
    job = StatementPdf.objects.select_related("contact__organisation").get(pk=job_id)
    if job.status == Status.READY:
        return job
    path = posixpath.join(
        CACHE_ROOT, str(job.organisation_id), str(job.contact.public_id), f"{job.key}.pdf"
    )
    if not default_storage.exists(path):
        statement = statement_selectors.statement_for(
            contact=job.contact, start=job.start, end=job.end
        )
        content = pdf.statement_pdf(
            statement, job.contact.organisation, job.language, max_rows=MAX_LINES, wait=wait
        )
        path = default_storage.save(path, ContentFile(content))
    with transaction.atomic():
        locked = StatementPdf.objects.select_for_update().get(pk=job.pk)
        if locked.status != Status.READY:
            locked.status, locked.path = Status.READY, path
            locked.save(update_fields=["status", "path", "updated_at"])
            for person in _persons(locked, locked.email_to):
                _email(locked, person)
    _forget_superseded(locked)
    return locked


def statement_pdf_run(*, job_id: int) -> str:
    """The worker's render: counts the attempt, and marks the statement failed when the last
    attempt fails or it can never succeed (the task records and reports the failure)."""
    if not StatementPdf.objects.filter(pk=job_id).update(attempts=F("attempts") + 1):
        return "gone"  # superseded and forgotten before the worker came to it
    try:
        job = statement_pdf_make(job_id=job_id)
    except Exception as error:
        from portico.documents.tasks import statement_pdf_render

        policy = jobs.policy_of(statement_pdf_render.module_path)
        attempts = StatementPdf.objects.filter(pk=job_id).values_list("attempts", flat=True)
        permanent = isinstance(error, rendering.RenderError) and error.code != "render_busy"
        if permanent or policy is None or (attempts.first() or 0) >= policy.attempts:
            StatementPdf.objects.filter(pk=job_id).exclude(status=Status.READY).update(
                status=Status.FAILED
            )
        raise
    return str(job.status)


def statement_pdf_email(*, job: StatementPdf, person: ContactPerson) -> bool:
    """Email the statement to `person` when it is ready (now, if it is). Answers False when
    the person has no email address; refuses a person of another customer."""
    if (person.organisation_id, person.contact_id) != (job.organisation_id, job.contact_id):
        raise DomainError(_("That person is not one of this customer's."), code="foreign_person")
    if not person.email:
        return False
    with transaction.atomic():
        locked = StatementPdf.objects.select_for_update().get(pk=job.pk)
        if person.pk not in locked.email_to:
            locked.email_to = [*locked.email_to, person.pk]
            locked.save(update_fields=["email_to", "updated_at"])
        if locked.status == Status.READY:
            _email(locked, person)
    job.email_to, job.status = locked.email_to, locked.status
    return True


def emailed_notice(job: StatementPdf, person: ContactPerson) -> str:
    """What the asker is told once `statement_pdf_email` took the request."""
    if job.status == Status.READY:
        notice = _("The statement is on its way to %(email)s.")
    else:
        notice = _("The statement will be emailed to %(email)s when it is ready.")
    return notice % {"email": person.email}


def _persons(job: StatementPdf, ids: list[int]) -> list[ContactPerson]:
    return list(
        ContactPerson.objects.filter(
            organisation_id=job.organisation_id, contact_id=job.contact_id, pk__in=ids
        ).exclude(email="")
    )


def _email(job: StatementPdf, person: ContactPerson) -> None:
    """Queue the PDF to `person` after commit; one email per statement and person."""
    from django.urls import reverse

    organisation = job.contact.organisation
    # A person without portal access (emailed at staff's request) gets the PDF and no link.
    link = (
        site_link(
            reverse(
                "portal:statement_pdf_status",
                kwargs={"org_slug": organisation.slug, "statement_pdf_id": job.public_id},
            )
        )
        if person.portal_status == ContactPerson.PortalStatus.ACTIVE
        else ""
    )
    email = compose_email(
        organisation=organisation,
        to=[person.email],
        template="documents/email/statement_ready",
        language=job.language,
        subject=lambda: _("Your statement from %(name)s") % {"name": organisation.name},
        context={"person": person, "job": job, "link": link},
    )
    content = base64.b64encode(statement_pdf_content(job)).decode()
    send_after_commit(
        replace(
            email,
            attachments=[(f"{filename_of(job)}.pdf", content, "application/pdf")],
            key=f"statement-pdf-{job.public_id}-{person.pk}",
        )
    )


def _forget_superseded(job: StatementPdf) -> None:
    """Delete the customer's statements of earlier ledger versions finished over a day ago
    (a person may still be reading a newer one's page)."""
    old = StatementPdf.objects.filter(
        organisation_id=job.organisation_id,
        contact_id=job.contact_id,
        ledger_version__lt=job.ledger_version,
        updated_at__lt=timezone.now() - datetime.timedelta(days=1),
    ).exclude(status=Status.PREPARING)
    for path in old.exclude(path="").values_list("path", flat=True):
        default_storage.delete(path)
    old.delete()
