"""The document pages, spread into the portal's URLconf (names live in the `portal` namespace).

Every object is addressed by its public id; each kwarg name below is registered with the
portal's URL-walking tenancy test (tests/portal/pages/test_tenancy_pages.py).
"""

from __future__ import annotations

from django.urls import path

from portico.portal.pages import (
    comments,
    estimates,
    invoices,
    payments,
    projects,
    sales_orders,
    statement,
)

urlpatterns = [
    path("estimates", estimates.estimate_list, name="estimates"),
    path("estimates/<uuid:estimate_id>", estimates.estimate_detail, name="estimate_detail"),
    path("estimates/<uuid:estimate_id>/accept", estimates.estimate_accept, name="estimate_accept"),
    path(
        "estimates/<uuid:estimate_id>/decline", estimates.estimate_decline, name="estimate_decline"
    ),
    path(
        "estimates/<uuid:estimate_id>/request-changes",
        estimates.estimate_request_changes,
        name="estimate_request_changes",
    ),
    path(
        "estimates/<uuid:estimate_id>/comments",
        comments.estimate_comment,
        name="estimate_comment",
    ),
    path("invoices", invoices.invoice_list, name="invoices"),
    path("invoices/<uuid:invoice_id>", invoices.invoice_detail, name="invoice_detail"),
    path("invoices/<uuid:invoice_id>/comments", comments.invoice_comment, name="invoice_comment"),
    path("payments", payments.payment_list, name="payments"),
    path("payments/<uuid:payment_id>", payments.payment_detail, name="payment_detail"),
    path("sales-orders", sales_orders.sales_order_list, name="sales_orders"),
    path(
        "sales-orders/<uuid:sales_order_id>",
        sales_orders.sales_order_detail,
        name="sales_order_detail",
    ),
    path(
        "sales-orders/<uuid:sales_order_id>/comments",
        comments.sales_order_comment,
        name="sales_order_comment",
    ),
    path("projects", projects.project_list, name="projects"),
    path("projects/<uuid:project_id>", projects.project_detail, name="project_detail"),
    path("timesheets", projects.timesheet_list, name="timesheets"),
    path("timesheets/<uuid:approval_id>", projects.timesheet_detail, name="timesheet_detail"),
    path(
        "timesheets/<uuid:approval_id>/approve",
        projects.timesheet_approve,
        name="timesheet_approve",
    ),
    path(
        "timesheets/<uuid:approval_id>/reject", projects.timesheet_reject, name="timesheet_reject"
    ),
    path(
        "timesheets/<uuid:approval_id>/comments",
        comments.timesheet_comment,
        name="timesheet_comment",
    ),
    path("statement", statement.statement, name="statement"),
]
