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
from portico.sales.models.ledger import LedgerEntry
from portico.sales.models.recurring import RecurringProfile, RecurringProfileLine

__all__ = [
    "Attachment",
    "CreditNote",
    "CreditNoteLine",
    "DocumentLine",
    "Estimate",
    "EstimateLine",
    "Invoice",
    "InvoiceLine",
    "InvoiceQuerySet",
    "LedgerEntry",
    "NumberSequence",
    "RecurringProfile",
    "RecurringProfileLine",
    "SalesDocument",
    "SalesOrder",
    "SalesOrderLine",
]
