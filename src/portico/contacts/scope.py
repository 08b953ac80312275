"""The portal scope: one customer, seen by one of its contact persons, in one organisation.

A plain value that every layer from here up may take as an argument; the portal resolves it
from the request (`portico.portal.scoping`), selectors and services filter by it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar
from uuid import UUID

from django.db.models import Model, QuerySet, Subquery
from django.db.models.lookups import Exact
from django.http import Http404

from portico.contacts.models import Contact, ContactPerson
from portico.core.prepared import Bound, Prepared, bind
from portico.core.tenancy import public_id_or_404
from portico.orgs.models import Organisation, PortalPreferences
from portico.orgs.selectors import preferences_of

Role = ContactPerson.PortalRole
Q = TypeVar("Q", bound=QuerySet[Any])


class Module(StrEnum):
    """A section of the portal; roles and preferences decide which ones a person sees."""

    HOME = "home"
    ESTIMATES = "estimates"
    INVOICES = "invoices"
    PAYMENTS = "payments"
    SALES_ORDERS = "sales_orders"
    PROJECTS = "projects"
    TIMESHEETS = "timesheets"
    STATEMENT = "statement"
    ACCOUNT = "account"


# What a document link may open: the document's own section, and paying it.
LINK_MODULES = frozenset({Module.ESTIMATES, Module.INVOICES, Module.PAYMENTS, Module.SALES_ORDERS})
BILLING_MODULES = frozenset({Module.ESTIMATES, Module.INVOICES, Module.PAYMENTS, Module.STATEMENT})
PROJECT_MODULES = frozenset({Module.PROJECTS, Module.TIMESHEETS})
ROLE_MODULES: dict[str, frozenset[Module]] = {
    Role.FULL: frozenset(Module),
    Role.BILLING: BILLING_MODULES | {Module.HOME, Module.ACCOUNT},
    Role.PROJECTS: PROJECT_MODULES | {Module.HOME, Module.ACCOUNT},
}


PREVIEW_SESSION_KEY = "portal_preview:{organisation_id}"


def preview_session_key(organisation_id: int) -> str:
    """Where a staff member's session keeps the person whose portal they are previewing."""
    return PREVIEW_SESSION_KEY.format(organisation_id=organisation_id)


@dataclass(frozen=True)
class PortalScope:
    """Exactly one customer, seen by one of its contact persons, in one organisation.

    `preview`: a staff member looking at the portal as this person ("View portal as this
    customer"). A preview reads only: the portal refuses its every POST, and the activity
    services neither mark anything viewed nor notify nor record for it.
    """

    organisation: Organisation
    contact: Contact
    person: ContactPerson
    preview: bool = False
    document_id: UUID | None = None
    """Set when the visitor came through a personal document link: the one document (its
    public id) this scope reaches. Every selector narrows to it (`only_document`)."""

    @property
    def is_link(self) -> bool:
        return self.document_id is not None

    def only_document(self, rows: Q, path: str = "public_id") -> Q:
        """`rows` as this scope may see them: all of them, or the link's one document."""
        if self.document_id is None:
            return rows
        return rows.filter(**{path: self.document_id})

    def holds(self, model: type[Model], pk: Any) -> Exact:
        """A filter condition: the `model` row with key `pk` is this customer's, in this
        organisation. For reads of what hangs off one document (its lines, files, revisions).

        The check reads the document's own row through its key. A join to the document would
        do the same for one query, but PostgreSQL reuses one plan for every customer. Such a
        plan may check the document through the customer's list index instead: an index
        led by the customer that holds every document of theirs, so the read grows with their
        history. A subquery on the key cannot take that path."""
        owner = model._default_manager.filter(pk=pk, organisation=self.organisation)
        return Exact(Subquery(owner.values("contact_id")[:1]), self.contact.pk)

    def nothing_for_link(self, rows: Q) -> Q:
        """Rows a link visitor never sees (saved cards, other payments, credit)."""
        return rows.none() if self.is_link else rows

    @property
    def preferences(self) -> PortalPreferences:
        return preferences_of(self.organisation)

    @property
    def role(self) -> str:
        return self.person.portal_role

    @property
    def is_full(self) -> bool:
        return self.role == Role.FULL

    @property
    def sees_billing(self) -> bool:
        return bool(ROLE_MODULES[self.role] & BILLING_MODULES)

    @property
    def sees_projects(self) -> bool:
        return self.allows(Module.PROJECTS)

    def allows(self, module: Module | str) -> bool:
        """The person's role includes `module` and the organisation shows it."""
        module = Module(module)
        if self.is_link:
            if module not in LINK_MODULES:
                return False
        elif module not in ROLE_MODULES.get(self.role, frozenset()):
            return False
        preferences = self.preferences
        if module is Module.SALES_ORDERS:
            return preferences.show_sales_orders
        if module in PROJECT_MODULES:
            return preferences.show_projects
        return True


T = TypeVar("T")
SAMPLE_ORGANISATION_ID = -90_101
SAMPLE_CONTACT_ID = -90_102


def _sample_scope(organisation_id: int, contact_id: int) -> PortalScope:
    """A customer's scope with sample ids, to build a prepared query's shape from the same
    selector code a page runs (`ScopedQuery`)."""
    organisation = Organisation(pk=organisation_id)
    contact = Contact(pk=contact_id, organisation_id=organisation_id)
    person = ContactPerson(pk=-90_103, organisation_id=organisation_id, contact_id=contact_id)
    for instance in (organisation, contact, person):
        instance._state.adding = False
    return PortalScope(organisation, contact, person)


class ScopedQuery(Generic[T]):
    """A selector's query over a customer's scope, built and compiled once per process
    (`portico.core.prepared`): `build(scope, **arguments)` is the selector's own queryset code,
    run once with a sample scope; each call runs the compiled SQL with the scope's ids. A
    document link's scope (narrowed to one document) runs `build` as an ordinary queryset."""

    def __init__(self, build: Callable[..., QuerySet[Any]], **samples: Any) -> None:
        self.build = build
        self.prepared: Prepared[T] = Prepared(
            self._build_sample,
            organisation_id=SAMPLE_ORGANISATION_ID,
            contact_id=SAMPLE_CONTACT_ID,
            **samples,
        )

    def _build_sample(
        self, organisation_id: int, contact_id: int, shape: Hashable = None, **values: Any
    ) -> QuerySet[Any]:
        return self._build(_sample_scope(organisation_id, contact_id), shape, values)

    def _build(self, scope: PortalScope, shape: Hashable, values: dict[str, Any]) -> QuerySet[Any]:
        return self.build(scope, **values) if shape is None else self.build(scope, shape, **values)

    def rows(self, scope: PortalScope, *, shape: Hashable = None, **values: Any) -> list[T]:
        """`shape`: a variant that changes the SQL (a filter, a sort, a page), passed to `build`
        after the scope; each variant is built and compiled once."""
        return self.bound(scope, shape=shape, **values).rows()

    def bound(self, scope: PortalScope, *, shape: Hashable = None, **values: Any) -> Bound[T]:
        """The query for this scope, not run yet: to run with others (`prepared.together`). A
        document link's scope builds and compiles it for this call."""
        if scope.is_link:
            return bind(self._build(scope, shape, values))
        return self.prepared.bound(
            shape=shape,
            organisation_id=scope.organisation.pk,
            contact_id=scope.contact.pk,
            **values,
        )

    def first(self, scope: PortalScope, *, shape: Hashable = None, **values: Any) -> T | None:
        found = self.rows(scope, shape=shape, **values)
        return found[0] if found else None

    def get(self, scope: PortalScope, public_id: UUID | str, *, message: str = "") -> T:
        """The one row with this public id (`build(scope, public_id=…)` filters by it): a
        missing, foreign or malformed id is the same 404 (`core.tenancy.get_for_scope`)."""
        key = public_id_or_404(public_id, message=message or NOT_FOUND)
        found = self.first(scope, public_id=key)
        if found is None:
            raise Http404(message or NOT_FOUND)
        return found


SAMPLE_PUBLIC_ID = UUID("00000000-0000-4000-8000-00000009a103")
NOT_FOUND = "No such document."
