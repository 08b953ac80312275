"""Fill each customer's days from the ledger, as `portico.sales.ledger.record` would have kept
them since the first posting."""

from decimal import Decimal

from django.db import migrations
from django.db.models import Count, Q, Sum

SUMS = {"invoiced": "invoice", "received": "payment", "credited": "credit_note"}


def _money(value):
    return Decimal(str(value or 0)).quantize(Decimal("0.0001"))


def fill(apps, schema_editor):
    LedgerEntry = apps.get_model("sales", "LedgerEntry")
    LedgerDay = apps.get_model("sales", "LedgerDay")
    rows = (
        LedgerEntry.objects.order_by()
        .values("organisation_id", "contact_id", "date")
        .annotate(
            movement=Sum("amount"),
            lines=Count("id"),
            **{field: Sum("amount", filter=Q(kind=kind)) for field, kind in SUMS.items()},
        )
    )
    LedgerDay.objects.bulk_create(
        (
            LedgerDay(
                organisation_id=row["organisation_id"],
                contact_id=row["contact_id"],
                date=row["date"],
                lines=row["lines"],
                movement=_money(row["movement"]),
                **{field: _money(row[field]) for field in SUMS},
            )
            for row in rows.iterator()
        ),
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [("sales", "0015_ledger_day")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
