"""Fill each customer's kept counts from their documents, as `portico.sales.counts` would have
kept them since the first one: invoices by kind and status, estimates by status, payments by
source, as the portal shows them (no drafts, no invoice voided before it was sent)."""

from django.db import migrations
from django.db.models import Count, F, Q, Value
from django.db.models.functions import Concat


def fill(apps, schema_editor):
    AccountCount = apps.get_model("sales", "AccountCount")
    Invoice = apps.get_model("sales", "Invoice")
    Estimate = apps.get_model("sales", "Estimate")
    Payment = apps.get_model("payments", "Payment")
    counted = (
        (
            "invoice",
            Invoice.objects.exclude(Q(status="draft") | Q(status="void", sent_at__isnull=True)),
            Concat(F("kind"), Value(":"), F("status")),
        ),
        ("estimate", Estimate.objects.exclude(status="draft"), F("status")),
        ("payment", Payment.objects.all(), F("source")),
    )
    for kind, documents, key in counted:
        rows = (
            documents.order_by()
            .annotate(count_key=key)
            .values_list("organisation_id", "contact_id", "count_key")
            .annotate(n=Count("pk"))
        )
        AccountCount.objects.bulk_create(
            (
                AccountCount(organisation_id=org, contact_id=contact, kind=kind, key=state, n=n)
                for org, contact, state, n in rows
            ),
            batch_size=1000,
        )


class Migration(migrations.Migration):
    dependencies = [("sales", "0012_account_counts"), ("payments", "0010_translated_model_names")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
