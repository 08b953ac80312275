"""Every write to sales documents. Import the package: `from portico.sales import services`."""

from portico.sales.services.common import (
    LineInput,
    Preview,
    document_mark_first_viewed,
    document_prepare,
    document_preview,
    document_recalculate,
    document_totals,
)
from portico.sales.services.credit_notes import (
    credit_note_close_if_spent,
    credit_note_create,
)
from portico.sales.services.estimates import (
    estimate_accept,
    estimate_convert_to_invoice,
    estimate_create,
    estimate_decline,
    estimate_expire,
    estimate_expire_due,
    estimate_mark_viewed,
    estimate_send,
    estimate_update,
)
from portico.sales.services.invoices import (
    invoice_create,
    invoice_mark_viewed,
    invoice_reduce_balance,
    invoice_send,
    invoice_update,
    invoice_void,
)
from portico.sales.services.orders import (
    sales_order_cancel,
    sales_order_confirm,
    sales_order_convert_to_invoice,
    sales_order_create,
    sales_order_fulfil,
    sales_order_update,
)
from portico.sales.services.recurring import (
    recurring_generate_due,
    recurring_profile_create,
    recurring_profile_delete,
    recurring_profile_recalculate,
    recurring_profile_restore,
)

__all__ = [
    "LineInput",
    "Preview",
    "credit_note_close_if_spent",
    "credit_note_create",
    "document_mark_first_viewed",
    "document_prepare",
    "document_preview",
    "document_recalculate",
    "document_totals",
    "estimate_accept",
    "estimate_convert_to_invoice",
    "estimate_create",
    "estimate_decline",
    "estimate_expire",
    "estimate_expire_due",
    "estimate_mark_viewed",
    "estimate_send",
    "estimate_update",
    "invoice_create",
    "invoice_mark_viewed",
    "invoice_reduce_balance",
    "invoice_send",
    "invoice_update",
    "invoice_void",
    "recurring_generate_due",
    "recurring_profile_create",
    "recurring_profile_delete",
    "recurring_profile_recalculate",
    "recurring_profile_restore",
    "sales_order_cancel",
    "sales_order_confirm",
    "sales_order_convert_to_invoice",
    "sales_order_create",
    "sales_order_fulfil",
    "sales_order_update",
]
