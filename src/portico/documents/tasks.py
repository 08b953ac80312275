"""Background work of documents: email a recurring profile's new invoice after it committed;
render a long statement PDF."""

from __future__ import annotations

from portico.core.jobs import retrying


@retrying(attempts=4, backoff_seconds=60)
def send_recurring_invoice(invoice_id: int) -> str:
    """Email the invoice to the customer's default recipients (once per invoice: the send's
    key is the invoice's, so a retried task sends nothing more)."""
    from portico.documents import sending

    return sending.recurring_invoice_send_by_id(invoice_id=invoice_id)


def _organisation_of_statement(job_id: int, **_: object) -> int | None:
    from portico.documents.models import StatementPdf

    found: int | None = (
        StatementPdf.objects.filter(pk=job_id).values_list("organisation_id", flat=True).first()
    )
    return found


@retrying(attempts=3, backoff_seconds=10, organisation=_organisation_of_statement)
def statement_pdf_render(job_id: int) -> str:
    """Render a customer's statement PDF and email it to whoever asked (once per statement
    and person: a retried or re-run task finds it ready and sends nothing more)."""
    from portico.documents import statement_pdfs

    return statement_pdfs.statement_pdf_run(job_id=job_id)
