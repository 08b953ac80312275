"""The customer ledger: append-only postings of what a customer owes, and each customer's
account, the postings' running summary.

Sales posts issued and voided invoices; payments posts payments, credit and refunds. Both write
through `portico.sales.ledger`, which keeps the account current in the posting's transaction."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.db.models.functions import Round
from django.utils.translation import gettext_lazy as _

from portico.core.errors import DomainError
from portico.core.tenancy import OrganisationOwned

# Postings carry signed changes, so no default and no lower bound (unlike document amounts).
MONEY: dict[str, Any] = {"max_digits": 18, "decimal_places": 4}


class LedgerEntry(OrganisationOwned):
    """One append-only posting that changes what a customer owes.

    `receivable` moves the sum of open invoice balances, `credit` moves the customer's unused
    credit, and `amount` = receivable − credit is the change in the net balance owed.
    """

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        PAYMENT = "payment", _("Payment received")
        CREDIT_NOTE = "credit_note", _("Credit note")
        CREDIT_APPLIED = "credit_applied", _("Credit applied")
        REFUND = "refund", _("Refund")
        REVERSAL = "reversal", _("Reversal")

    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.PROTECT, related_name="ledger_entries"
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    currency = models.CharField(_("currency"), max_length=3)
    receivable = models.DecimalField(_("receivable change"), **MONEY)
    credit = models.DecimalField(_("credit change"), **MONEY)
    amount = models.DecimalField(_("amount"), **MONEY)
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    invoice = models.ForeignKey(
        "sales.Invoice", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    payment = models.ForeignKey(
        "payments.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    credit_note = models.ForeignKey(
        "sales.CreditNote", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    refund = models.ForeignKey(
        "payments.Refund", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        # The table keeps the name it had when the ledger lived in payments.
        db_table = "payments_ledgerentry"
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(
                # rounded: SQLite does this arithmetic in binary floating point
                condition=Q(amount=Round(models.F("receivable") - models.F("credit"), 4)),
                name="ledger_amount_is_receivable_less_credit",
            )
        ]
        indexes = [models.Index(fields=["organisation", "contact", "date", "id"])]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.amount}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise DomainError("Ledger entries are never changed.", code="ledger_append_only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise DomainError("Ledger entries are never deleted.", code="ledger_append_only")


class CustomerAccount(models.Model):
    """What a customer's postings add up to, kept current by `portico.sales.ledger.record` in
    the posting's transaction, so that figures over the whole history read as one row.

    `portico ledger check` proves it against the ledger and the documents. Overdue depends on
    today's date and is not kept here: it is read from the open invoices' index.
    """

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+", editable=False
    )
    contact = models.OneToOneField(
        "contacts.Contact", on_delete=models.CASCADE, related_name="account"
    )
    receivable = models.DecimalField(_("outstanding"), default=0, **MONEY)
    credit = models.DecimalField(_("unused credit"), default=0, **MONEY)
    open_invoices = models.IntegerField(_("open invoices"), default=0)
    last_payment = models.ForeignKey(
        "payments.Payment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_payment_date = models.DateField(null=True, blank=True)
    # Bumped by every posting: what is computed from the ledger (a statement PDF) is kept on it.
    version = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("customer account")
        verbose_name_plural = _("customer accounts")
        constraints = [
            models.CheckConstraint(
                condition=Q(open_invoices__gte=0), name="customer_account_open_invoices_gte_0"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contact_id}: {self.receivable} owed, {self.credit} credit"


class AccountCount(models.Model):
    """How many of a customer's documents of one kind the portal shows in one state (the key):
    what the portal lists count and filter by, as one row per state instead of a count over
    the customer's history on every view.

    Kept by `portico.sales.counts` in the transaction that creates a document or moves its
    status, proved and repaired by `portico ledger check`.
    """

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+", editable=False
    )
    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.CASCADE, related_name="account_counts"
    )
    kind = models.CharField(_("kind"), max_length=16)
    key = models.CharField(_("state"), max_length=40)
    n = models.IntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("customer account count")
        verbose_name_plural = _("customer account counts")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "contact", "kind", "key"], name="account_count_unique"
            ),
            models.CheckConstraint(condition=Q(n__gte=0), name="account_count_n_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} {self.kind} {self.key}: {self.n}"


class LedgerDay(models.Model):
    """A customer's postings added up to the end of a day (a row for each day with postings),
    kept by `portico.sales.ledger.record` in the posting's transaction: a statement's opening
    balance, totals and line count are the difference of two rows, the last day before the
    period and the last day in it, however long the history."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+", editable=False
    )
    contact = models.ForeignKey("contacts.Contact", on_delete=models.CASCADE, related_name="+")
    date = models.DateField(_("date"))
    balance = models.DecimalField(_("balance"), default=0, **MONEY)
    invoiced = models.DecimalField(_("invoiced"), default=0, **MONEY)
    received = models.DecimalField(_("payments received"), default=0, **MONEY)
    credited = models.DecimalField(_("credit notes"), default=0, **MONEY)
    lines = models.PositiveIntegerField(_("lines"), default=0)

    class Meta:
        verbose_name = _("ledger day")
        verbose_name_plural = _("ledger days")
        constraints = [models.UniqueConstraint(fields=["contact", "date"], name="ledger_day_once")]
        indexes = [models.Index(fields=["organisation", "contact", "date"])]

    def __str__(self) -> str:
        return f"{self.contact_id} {self.date}: {self.balance} ({self.lines} lines)"
