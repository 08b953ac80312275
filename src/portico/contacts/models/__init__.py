"""Customers and their contact persons (with their portal access), and the self-service records
they leave: reviews, messages, details changes."""

from portico.contacts.models.customers import (
    Contact,
    ContactPerson,
    ContactPersonQuerySet,
    ContactQuerySet,
    PortalSession,
    PortalSessionQuerySet,
    PortalToken,
    PortalTokenQuerySet,
)
from portico.contacts.models.links import DocumentLink, DocumentLinkQuerySet
from portico.contacts.models.self_service import (
    MESSAGE_MAX_LENGTH,
    REVIEW_MAX_LENGTH,
    SUBJECT_MAX_LENGTH,
    CustomerMessage,
    DetailsChangeItem,
    PendingEmailChange,
    Review,
    SelfServiceSettings,
    field_label,
)

__all__ = [
    "MESSAGE_MAX_LENGTH",
    "REVIEW_MAX_LENGTH",
    "SUBJECT_MAX_LENGTH",
    "Contact",
    "ContactPerson",
    "ContactPersonQuerySet",
    "ContactQuerySet",
    "CustomerMessage",
    "DetailsChangeItem",
    "DocumentLink",
    "DocumentLinkQuerySet",
    "PendingEmailChange",
    "PortalSession",
    "PortalSessionQuerySet",
    "PortalToken",
    "PortalTokenQuerySet",
    "Review",
    "SelfServiceSettings",
    "field_label",
]
