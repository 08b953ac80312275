"""A customer's days hold the totals to the end of each day instead of each day's own sums: a
statement's opening balance and period totals become the difference of two rows.

One UPDATE with window functions each way (PostgreSQL, and SQLite from 3.33), rounded to the
days' four decimal places (SQLite adds decimals up in floating point)."""

from django.db import migrations, models

FIELDS = ("balance", "invoiced", "received", "credited")


def _update(value: str) -> str:
    """Each day's fields set to `value` (`{f}` the field) over its customer's days by date."""
    sums = ", ".join(f"ROUND({value.format(f=f)}, 4) AS {f}" for f in FIELDS)
    return (  # noqa: S608 — the fields and window are the constants above, nothing from input
        "UPDATE sales_ledgerday SET balance = day.balance, invoiced = day.invoiced, "
        "received = day.received, credited = day.credited, lines = day.lines "
        f"FROM (SELECT id, {sums}, {value.format(f='lines')} AS lines FROM sales_ledgerday "
        "WINDOW w AS (PARTITION BY contact_id ORDER BY date)) AS day "
        "WHERE sales_ledgerday.id = day.id"
    )


TO_DATE = _update("SUM({f}) OVER w")
EACH_DAY = _update("{f} - LAG({f}, 1, 0) OVER w")


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
        migrations.RunSQL(TO_DATE, EACH_DAY),
    ]
