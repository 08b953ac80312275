"""Demo step: a usage report attached (shown in the portal) to Acme's newest open invoice, that
invoice sent by email (Send: var/mail/ holds it once the worker ran), and Acme's comment with a
file on its pending timesheet approval."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from portico.activity import services as activity_services
from portico.contacts.models import ContactPerson
from portico.contacts.scope import PortalScope
from portico.core import uploads
from portico.devdata.demo.context import DemoContext
from portico.documents import sending, services
from portico.documents.kinds import kind_of
from portico.documents.models import DocumentSend
from portico.projects.models import TimesheetApproval
from portico.sales.models import Attachment, Invoice

REPORT_NAME = "usage-report.csv"
REPORT = b"month,hours,amount\n2026-01,12.5,1250.00\n2026-02,9.0,900.00\n2026-03,14.0,1400.00\n"
EXPENSES_NAME = "travel-expenses.csv"
EXPENSES = b"date,what,amount\n2026-11-02,Train to site,48.20\n2026-11-02,Parking,12.00\n"
PERSON = "alice@acme.example"


def load(context: DemoContext) -> None:
    organisation = context.organisation
    if organisation is None:
        return
    invoice = (
        Invoice.objects.filter(
            organisation=organisation,
            contact__display_name="Acme Corporation",
            status__in=Invoice.OPEN_STATUSES,
        )
        .order_by("-issue_date", "-id")
        .first()
    )
    _approval_comment_with_file(context)
    if invoice is None:
        return
    _send(context)
    if Attachment.objects.filter(
        organisation=organisation, invoice=invoice, name=REPORT_NAME
    ).exists():
        return
    checked = uploads.check_upload(SimpleUploadedFile(REPORT_NAME, REPORT))
    services.attachment_add(
        organisation=organisation,
        kind=kind_of(invoice),
        document=invoice,
        checked=checked,
        show_in_portal=True,
        uploaded_by="demo",
    )
    context.say(f"Attached {REPORT_NAME} to {invoice.number} (shown in the portal).")


def _send(context: DemoContext) -> None:
    """Send Acme's newest open invoice as the owner would from the back office (once, however
    often the demo runs)."""
    assert context.organisation is not None
    # Later steps may pay this invoice; a second run must not pick and send another one.
    if DocumentSend.objects.filter(
        organisation=context.organisation, key__startswith="demo:send:"
    ).exists():
        return
    invoice = (
        Invoice.objects.filter(
            organisation=context.organisation,
            contact__display_name="Acme Corporation",
            kind=Invoice.Kind.REGULAR,
            status__in=Invoice.OPEN_STATUSES,
        )
        .order_by("-issue_date", "-id")
        .first()
    )
    if invoice is None:
        return
    result = sending.document_send(
        organisation=context.organisation,
        document=invoice,
        sent_by=context.owner,
        key=f"demo:send:{invoice.public_id}",
    )
    if result.sent_now:
        context.say(
            f"Sent {invoice.number} by email to {', '.join(result.record.addresses)} "
            "(with a personal document link)."
        )


def _approval_comment_with_file(context: DemoContext) -> None:
    organisation = context.organisation
    assert organisation is not None
    person = (
        ContactPerson.objects.in_organisation(organisation)
        .select_related("contact")
        .filter(email=PERSON)
        .first()
    )
    if person is None:
        return
    approval = (
        TimesheetApproval.objects.filter(
            organisation=organisation,
            project__contact=person.contact,
            status=TimesheetApproval.Status.PENDING,
        )
        .order_by("-sent_at")
        .first()
    )
    if approval is None or Attachment.objects.filter(approval=approval).exists():
        return
    activity_services.comment_add_from_portal(
        scope=PortalScope(organisation, person.contact, person),
        target=approval,
        body="The site visit hours: our train and parking receipts are attached.",
        file=SimpleUploadedFile(EXPENSES_NAME, EXPENSES),
    )
    context.say(f"Acme commented on a timesheet with {EXPENSES_NAME} attached.")
