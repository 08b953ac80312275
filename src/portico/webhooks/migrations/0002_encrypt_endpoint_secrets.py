from django.db import migrations

import portico.core.crypto


def encrypt_stored_secrets(apps, schema_editor):
    """The endpoints saved before the column was encrypted: their secrets encrypted in place
    (read as plain text until then, so signing never stopped)."""
    Endpoint = apps.get_model("webhooks", "WebhookEndpoint")
    for endpoint in Endpoint.objects.exclude(secret="").iterator():
        # The historical model's field is the real EncryptedTextField: saving encrypts a plain
        # value and leaves an encrypted one as it is.
        endpoint.save(update_fields=["secret"])


class Migration(migrations.Migration):
    dependencies = [
        ("webhooks", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="webhookendpoint",
            name="secret",
            field=portico.core.crypto.EncryptedTextField(editable=False),
        ),
        migrations.RunPython(encrypt_stored_secrets, migrations.RunPython.noop, elidable=True),
    ]
