"""A customer's days hold the totals to the end of each day instead of each day's own sums: a
statement's opening balance and period totals become the difference of two rows."""

from decimal import Decimal

from django.db import migrations, models

FIELDS = ("balance", "invoiced", "received", "credited", "lines")


def _rewrite(apps, step):
    LedgerDay = apps.get_model("sales", "LedgerDay")
    changed, customer, carried = [], None, {}
    for day in LedgerDay.objects.order_by("contact_id", "date").iterator(chunk_size=5000):
        if day.contact_id != customer:
            customer, carried = day.contact_id, dict.fromkeys(FIELDS, 0)
        for field in FIELDS:
            value = getattr(day, field)
            value = value if field == "lines" else Decimal(value).quantize(Decimal("0.0001"))
            setattr(day, field, step(value, carried, field))
        changed.append(day)
    LedgerDay.objects.bulk_update(changed, FIELDS, batch_size=1000)


def to_date(apps, schema_editor):
    def step(own, carried, field):
        carried[field] += own
        return carried[field]

    _rewrite(apps, step)


def each_day(apps, schema_editor):
    def step(to_date, carried, field):
        own, carried[field] = to_date - carried[field], to_date
        return own

    _rewrite(apps, step)


class Migration(migrations.Migration):
    dependencies = [("sales", "0017_invoice_open_items_balance_first")]

    operations = [
        migrations.RenameField("ledgerday", "movement", "balance"),
        migrations.AlterField(
            model_name="ledgerday",
            name="balance",
            field=models.DecimalField(
                decimal_places=4, default=0, max_digits=18, verbose_name="balance"
            ),
        ),
        migrations.RunPython(to_date, each_day),
    ]
