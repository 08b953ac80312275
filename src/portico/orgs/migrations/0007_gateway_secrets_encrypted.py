
import portico.core.crypto
from django.db import migrations


def encrypt_existing(apps, schema_editor):
    """Keys saved in plain text before this migration are read as they are and saved encrypted."""
    GatewayAccount = apps.get_model("orgs", "GatewayAccount")
    for account in GatewayAccount.objects.all().only("pk", "secret_key", "webhook_secret"):
        account.save(update_fields=["secret_key", "webhook_secret"])


class Migration(migrations.Migration):

    dependencies = [
        ('orgs', '0006_portalpreferences_document_link_days'),
    ]

    operations = [
        migrations.AlterField(
            model_name='gatewayaccount',
            name='secret_key',
            field=portico.core.crypto.EncryptedTextField(blank=True, verbose_name='secret key'),
        ),
        migrations.AlterField(
            model_name='gatewayaccount',
            name='webhook_secret',
            field=portico.core.crypto.EncryptedTextField(blank=True, verbose_name='webhook signing secret'),
        ),
        migrations.RunPython(encrypt_existing, migrations.RunPython.noop),
    ]
