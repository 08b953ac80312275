"""Template helpers for the portal's document pages: status badges (money and dates are the
built-in `formats` filters)."""

from __future__ import annotations

from django import template

register = template.Library()

BADGES = {
    "draft": "text-bg-secondary",
    "sent": "text-bg-primary",
    "viewed": "text-bg-info",
    "accepted": "text-bg-success",
    "approved": "text-bg-success",
    "paid": "text-bg-success",
    "fulfilled": "text-bg-success",
    "confirmed": "text-bg-primary",
    "invoiced": "text-bg-dark",
    "partially_paid": "text-bg-warning",
    "pending": "text-bg-warning",
    "overdue": "text-bg-danger",
    "declined": "text-bg-danger",
    "rejected": "text-bg-danger",
    "expired": "text-bg-secondary",
    "void": "text-bg-secondary",
    "cancelled": "text-bg-secondary",
    "active": "text-bg-success",
    "completed": "text-bg-dark",
}


@register.filter
def badge(status: str) -> str:
    """The Bootstrap badge class for a status."""
    return BADGES.get(str(status), "text-bg-secondary")
