"""Demo step: a usage report attached (shown in the portal) to Acme's newest open invoice."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from portico.core.demo import DemoContext
from portico.documents import attachments, services
from portico.documents.kinds import kind_of
from portico.sales.models import Attachment, Invoice

REPORT_NAME = "usage-report.csv"
REPORT = b"month,hours,amount\n2026-01,12.5,1250.00\n2026-02,9.0,900.00\n2026-03,14.0,1400.00\n"


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
    if invoice is None:
        return
    if Attachment.objects.filter(
        organisation=organisation, invoice=invoice, name=REPORT_NAME
    ).exists():
        return
    checked = attachments.check_upload(SimpleUploadedFile(REPORT_NAME, REPORT))
    services.attachment_add(
        organisation=organisation,
        kind=kind_of(invoice),
        document=invoice,
        checked=checked,
        show_in_portal=True,
        uploaded_by="demo",
    )
    context.say(f"Attached {REPORT_NAME} to {invoice.number} (shown in the portal).")
