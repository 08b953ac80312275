from portico.sales.models.base import Attachment, DocumentLine, NumberSequence, SalesDocument
from portico.sales.models.documents import (
    CreditNote,
    CreditNoteLine,
    Estimate,
    EstimateLine,
    Invoice,
    InvoiceLine,
    InvoiceQuerySet,
    SalesOrder,
    SalesOrderLine,
)
from portico.sales.models.ledger import AccountCount, CustomerAccount, LedgerDay, LedgerEntry
from portico.sales.models.recurring import RecurringProfile, RecurringProfileLine
from portico.sales.models.revisions import EstimateRevision

__all__ = [
    "AccountCount",
    "Attachment",
    "CreditNote",
    "CreditNoteLine",
    "CustomerAccount",
    "DocumentLine",
    "Estimate",
    "EstimateLine",
    "EstimateRevision",
    "Invoice",
    "InvoiceLine",
    "InvoiceQuerySet",
    "LedgerDay",
    "LedgerEntry",
    "NumberSequence",
    "RecurringProfile",
    "RecurringProfileLine",
    "SalesDocument",
    "SalesOrder",
    "SalesOrderLine",
]
