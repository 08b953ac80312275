"""Fill each customer's account from the ledger and the open invoices, as
`portico.sales.ledger.record` would have kept it since the first posting."""

from decimal import Decimal

from django.db import migrations
from django.db.models import Count, Sum

OPEN_STATUSES = ("sent", "viewed", "partially_paid")


def fill(apps, schema_editor):
    LedgerEntry = apps.get_model("sales", "LedgerEntry")
    Invoice = apps.get_model("sales", "Invoice")
    CustomerAccount = apps.get_model("sales", "CustomerAccount")
    accounts = {}
    for row in LedgerEntry.objects.order_by().values("contact", "organisation").annotate(
        receivable=Sum("receivable"), credit=Sum("credit")
    ):
        accounts[row["contact"]] = CustomerAccount(
            organisation_id=row["organisation"],
            contact_id=row["contact"],
            receivable=Decimal(str(row["receivable"] or 0)).quantize(Decimal("0.0001")),
            credit=Decimal(str(row["credit"] or 0)).quantize(Decimal("0.0001")),
        )
    for row in (
        Invoice.objects.filter(kind="regular", status__in=OPEN_STATUSES, balance_due__gt=0)
        .order_by()
        .values("contact", "organisation")
        .annotate(n=Count("id"))
    ):
        account = accounts.setdefault(
            row["contact"],
            CustomerAccount(organisation_id=row["organisation"], contact_id=row["contact"]),
        )
        account.open_invoices = row["n"]
    for contact_id, payment_id, date in (
        LedgerEntry.objects.filter(kind="payment", payment__isnull=False)
        .order_by("contact_id", "date", "payment_id")
        .values_list("contact_id", "payment_id", "date")
    ):
        account = accounts[contact_id]  # ascending: the last one seen is the latest
        account.last_payment_id, account.last_payment_date = payment_id, date
    CustomerAccount.objects.bulk_create(accounts.values(), batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("sales", "0009_customer_account")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
