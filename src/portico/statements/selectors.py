"""The statement of accounts: read from the customer ledger, in SQL, in three queries: the
sums from two of the ledger's days (the totals before the period and through it, however long
the history), the lines a page at a time, the aging the open invoices only.

`statement_for` returns every line of the period (the PDF and print view); `statement_page_for`
returns one page of lines with the balance brought forward to it (the portal page), and the
same period totals and aging.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import DecimalField, F, Q, QuerySet, Subquery, Sum, Value, Window
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portico.contacts.models import Contact
from portico.core import money
from portico.core.errors import DomainError
from portico.core.prepared import Prepared
from portico.sales import ledger
from portico.sales.models import LedgerDay, LedgerEntry

ZERO = Decimal(0)
Kind = LedgerEntry.Kind
KIND_LABELS = dict(Kind.choices)
LINES_PER_PAGE = 100


def _sum(field: str, condition: Q) -> Coalesce:
    return Coalesce(
        Sum(field, filter=condition),
        Value(ZERO),
        output_field=DecimalField(max_digits=18, decimal_places=4),
    )


# The ledger's own wording (sales.ledger, payments), stored in English with each posting; a
# statement shows it in the reader's language. Anything else is shown as it was stored.
LEDGER_WORDING: list[tuple[re.Pattern[str], Any]] = [
    (re.compile(r"Invoice (?P<number>\S+)"), gettext_lazy("Invoice %(number)s")),
    (re.compile(r"Invoice (?P<number>\S+) voided"), gettext_lazy("Invoice %(number)s voided")),
    (re.compile(r"Credit note (?P<number>\S+)"), gettext_lazy("Credit note %(number)s")),
    (
        re.compile(r"Credit note (?P<number>\S+) voided"),
        gettext_lazy("Credit note %(number)s voided"),
    ),
    (re.compile(r"Payment (?P<number>\S+)"), gettext_lazy("Payment %(number)s")),
    (
        re.compile(r"Credit applied to (?P<number>\S+)"),
        gettext_lazy("Credit applied to %(number)s"),
    ),
    (re.compile(r"Refund of credit"), gettext_lazy("Refund of credit")),
]


def ledger_wording(stored: str) -> str:
    """A posting's stored description in the active language."""
    return ledger_translator()(stored)


def ledger_translator() -> Callable[[str], str]:
    """`ledger_wording` with the wordings translated once, for many lines in one language."""
    wordings = [(pattern, str(wording)) for pattern, wording in LEDGER_WORDING]

    def translate(stored: str) -> str:
        for pattern, wording in wordings:
            found = pattern.fullmatch(stored)
            if found is not None:
                return wording % found.groupdict()
        return stored

    return translate


# The ledger's own naming of a line's document ("Invoice INV-1" on INV-1's line), which says no
# more than the line's transaction column (its kind and reference); a payment's may carry the
# payer's reference in brackets ("Payment PAY-1 (cheque 42)").
NAMES_ITS_LINE = re.compile(
    r"(?:Invoice|Credit note|Payment) (?P<number>\S+)(?: \((?P<payer>.*)\))?"
)


def details_translator() -> Callable[[str, str], str]:
    """A statement line's details column, from its reference and stored description: nothing
    where the description only names the line's own document, the payer's reference where it
    adds one, else the description in the reader's language (`ledger_translator`)."""
    translate = ledger_translator()

    def details(reference: str, stored: str) -> str:
        found = NAMES_ITS_LINE.fullmatch(stored)
        if found is not None and found["number"] == reference:
            return found["payer"] or ""
        return translate(stored)

    return details


@dataclass(frozen=True)
class StatementLine:
    date: datetime.date
    kind: str
    reference: str
    stored_description: str
    amount: Decimal
    balance: Decimal

    @property
    def kind_label(self) -> str:
        """The kind in the active language (the line may be rendered in another than read)."""
        return str(KIND_LABELS.get(self.kind, self.kind))

    @property
    def description(self) -> str:
        return ledger_wording(self.stored_description)

    @property
    def details(self) -> str:
        """What the description adds to the transaction column (`details_translator`)."""
        return details_translator()(self.reference, self.stored_description)


@dataclass(frozen=True)
class Aging:
    current: Decimal
    days_1_30: Decimal
    days_31_60: Decimal
    days_61_90: Decimal
    days_over_90: Decimal

    @property
    def total(self) -> Decimal:
        return self.current + self.days_1_30 + self.days_31_60 + self.days_61_90 + self.days_over_90


@dataclass(frozen=True)
class StatementPage:
    """Which slice of the period's lines a statement holds, and the balances around it."""

    number: int
    num_pages: int
    per_page: int
    count: int  # lines in the whole period
    brought_forward: Decimal  # the balance before the page's first line
    carried_forward: Decimal  # the balance after its last line

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def previous_number(self) -> int:
        return max(1, self.number - 1)

    @property
    def next_number(self) -> int:
        return min(self.num_pages, self.number + 1)

    @property
    def start_index(self) -> int:
        """1-based position of the page's first line in the period (0 when there is none)."""
        return (self.number - 1) * self.per_page + 1 if self.count else 0

    @property
    def end_index(self) -> int:
        return min(self.count, self.number * self.per_page)


@dataclass(frozen=True)
class Statement:
    contact: Contact
    currency: str
    start: datetime.date
    end: datetime.date
    opening_balance: Decimal
    invoiced: Decimal
    received: Decimal
    credited: Decimal
    lines: list[StatementLine]
    closing_balance: Decimal
    aging: Aging
    page: StatementPage | None = None  # None: `lines` is every line of the period


def _q(currency: str, amount: Any) -> Decimal:
    return money.quantize(Decimal(amount), currency)


def aging_for(*, contact: Contact, as_of: datetime.date) -> Aging:
    """Open invoice balances by days past due on `as_of` (one aggregate query)."""
    days = datetime.timedelta
    found = _AGING.first(
        # Only for a past day the issue date is asked: it would steer the planner off the open
        # items' covering index onto the list's, through every invoice of the history.
        shape="past" if as_of < timezone.localdate() else None,
        organisation_id=contact.organisation_id,
        contact_id=contact.pk,
        as_of=as_of,
        day_30=as_of - days(30),
        day_60=as_of - days(60),
        day_90=as_of - days(90),
    )
    currency = contact.currency
    return Aging(**{name: _q(currency, (found or {}).get(name, ZERO)) for name in AGING_BUCKETS})


AGING_BUCKETS = ("current", "days_1_30", "days_31_60", "days_61_90", "days_over_90")


def _aging(
    organisation_id: int,
    contact_id: int,
    as_of: datetime.date,
    day_30: datetime.date,
    day_60: datetime.date,
    day_90: datetime.date,
    shape: str | None = None,
) -> QuerySet[Any]:
    open_items = ledger.open_invoices(organisation_id=organisation_id, contact_id=contact_id)
    if shape == "past":
        open_items = open_items.filter(issue_date__lte=as_of)
    return (
        open_items.order_by()
        .values("contact_id")
        .annotate(
            current=_sum("balance_due", Q(due_date__isnull=True) | Q(due_date__gte=as_of)),
            days_1_30=_sum("balance_due", Q(due_date__lt=as_of, due_date__gte=day_30)),
            days_31_60=_sum("balance_due", Q(due_date__lt=day_30, due_date__gte=day_60)),
            days_61_90=_sum("balance_due", Q(due_date__lt=day_60, due_date__gte=day_90)),
            days_over_90=_sum("balance_due", Q(due_date__lt=day_90)),
        )
    )


# Built and compiled once per thread (core.prepared): the statement page runs these on every
# view, and building them cost more than running them. Samples: values no real row has.
_AGING: Prepared[dict[str, Any]] = Prepared(
    _aging,
    organisation_id=-90_401,
    contact_id=-90_402,
    as_of=datetime.date(1901, 1, 1),
    day_30=datetime.date(1901, 1, 2),
    day_60=datetime.date(1901, 1, 3),
    day_90=datetime.date(1901, 1, 4),
)


def _day_totals(
    organisation_id: int, contact_id: int, start: datetime.date, end: datetime.date
) -> QuerySet[Any]:
    """The customer's totals at the end of the last day before `start` and of the last day up
    to `end` (`sales.LedgerDay`): two rows found through the days' index, one when the period
    has no day of its own, none before the first posting."""
    days = LedgerDay.objects.filter(organisation_id=organisation_id, contact_id=contact_id)

    def last(**on_or_before: datetime.date) -> Subquery:
        return Subquery(days.filter(**on_or_before).order_by("-date").values("date")[:1])

    return (
        days.filter(Q(date=last(date__lt=start)) | Q(date=last(date__lte=end)))
        .order_by("date")
        .values_list("date", *ledger.DAY_FIELDS)
    )


_DAY_TOTALS: Prepared[tuple[Any, ...]] = Prepared(
    _day_totals,
    organisation_id=-90_403,
    contact_id=-90_404,
    start=datetime.date(1901, 1, 5),
    end=datetime.date(1901, 1, 6),
)


@dataclass(frozen=True)
class _Sums:
    opening: Decimal
    movement: Decimal
    invoiced: Decimal
    received: Decimal
    credited: Decimal
    lines: int


def _period_sums(
    *, organisation_id: int, contact_id: int, start: datetime.date, end: datetime.date
) -> _Sums:
    """The opening balance and the period's sums: the totals through `end` less those before
    `start`."""
    rows = _DAY_TOTALS.rows(
        organisation_id=organisation_id, contact_id=contact_id, start=start, end=end
    )
    none = tuple(ledger.NO_DAY[field] for field in ledger.DAY_FIELDS)
    before = rows[0][1:] if rows and rows[0][0] < start else none
    through = rows[-1][1:] if rows else none
    return _Sums(before[0], *(b - a for a, b in zip(before, through, strict=True)))


def _page_rows(
    organisation_id: int,
    contact_id: int,
    start: datetime.date,
    end: datetime.date,
    shape: tuple[int, int],
) -> QuerySet[Any]:
    offset, size = shape
    entries = LedgerEntry.objects.filter(
        organisation_id=organisation_id, contact_id=contact_id, date__gte=start, date__lte=end
    )
    return _running(entries)[offset : offset + size]


_PAGE_ROWS: Prepared[tuple[Any, ...]] = Prepared(
    _page_rows,
    organisation_id=-90_405,
    contact_id=-90_406,
    start=datetime.date(1901, 1, 7),
    end=datetime.date(1901, 1, 8),
)


def line_count(*, contact: Contact, start: datetime.date, end: datetime.date) -> int:
    """How many lines the period's statement holds (two rows of the ledger's days): what a PDF
    of it costs to render, known before rendering."""
    who = {"organisation_id": contact.organisation_id, "contact_id": contact.pk}
    return int(_period_sums(**who, start=start, end=end).lines)


def statement_for(*, contact: Contact, start: datetime.date, end: datetime.date) -> Statement:
    """Opening balance, every posting of the period with its running balance, closing balance
    and aging. Three queries whatever the customer's history (the running balance is a window
    function, the sums are aggregates)."""
    return _statement(contact=contact, start=start, end=end, page=None, per_page=0)


def statement_page_for(
    *,
    contact: Contact,
    start: datetime.date,
    end: datetime.date,
    page: int,
    per_page: int | None = None,
) -> Statement:
    """The statement with only the lines of page `page` (1-based, clamped to the pages there
    are), each with its running balance over the whole period; totals, closing balance and
    aging are the whole period's. Three queries, and only `per_page` (default
    `LINES_PER_PAGE`) rows leave the database."""
    size = LINES_PER_PAGE if per_page is None else per_page
    if size < 1:
        raise ValueError("per_page must be positive")
    return _statement(contact=contact, start=start, end=end, page=page, per_page=size)


def _statement(
    *, contact: Contact, start: datetime.date, end: datetime.date, page: int | None, per_page: int
) -> Statement:
    if end < start:
        raise DomainError(_("The statement ends before it starts."), code="invalid_period")
    currency = contact.currency
    who = {"organisation_id": contact.organisation_id, "contact_id": contact.pk}
    sums = _period_sums(**who, start=start, end=end)
    opening = _q(currency, sums.opening)
    closing = _q(currency, opening + sums.movement)
    paging = None
    if page is None:
        entries = LedgerEntry.objects.filter(**who, date__gte=start, date__lte=end)
        fetched = list(_running(entries))
    else:
        num_pages = max(1, -(-sums.lines // per_page))
        number = min(max(1, page), num_pages)
        shape = ((number - 1) * per_page, per_page)
        fetched = _PAGE_ROWS.rows(shape=shape, **who, start=start, end=end)
    lines = _lines(fetched, currency=currency, opening=opening)
    if page is not None:
        # the running sum before the page's first line, from the unrounded amounts
        before = fetched[0][-1] - fetched[0][-2] if fetched else ZERO
        paging = StatementPage(
            number=number,
            num_pages=num_pages,
            per_page=per_page,
            count=sums.lines,
            brought_forward=_q(currency, opening + before),
            carried_forward=lines[-1].balance if lines else opening,
        )
    return Statement(
        contact=contact,
        currency=currency,
        start=start,
        end=end,
        opening_balance=opening,
        invoiced=_q(currency, sums.invoiced),
        received=_q(currency, -sums.received),
        credited=_q(currency, -sums.credited),
        lines=lines,
        closing_balance=closing,
        aging=aging_for(contact=contact, as_of=end),
        page=paging,
    )


def _running(entries: QuerySet[LedgerEntry]) -> QuerySet[LedgerEntry, tuple[Any, ...]]:
    """The period's postings in order with the running sum of the period so far (the window is
    computed over the whole period before any LIMIT/OFFSET, so a page's balances stay right)."""
    return (
        entries.annotate(running=Window(Sum("amount"), order_by=[F("date").asc(), F("id").asc()]))
        .order_by("date", "id")
        .values_list("date", "kind", "reference", "description", "amount", "running")
    )


def _lines(rows: list[tuple[Any, ...]], *, currency: str, opening: Decimal) -> list[StatementLine]:
    exponent = Decimal(1).scaleb(-money.minor_unit(currency))
    quantize = Decimal.quantize  # called 20,000 times for a 10,000-line statement
    return [
        StatementLine(
            date=date,
            kind=kind,
            reference=reference,
            stored_description=description,
            amount=quantize(amount, exponent, ROUND_HALF_UP),
            balance=quantize(opening + running, exponent, ROUND_HALF_UP),
        )
        for date, kind, reference, description, amount, running in rows
    ]
