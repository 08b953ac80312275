# PortalToken and PortalSession now belong to contacts (same tables): only the state moves.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('portal', '0001_initial'),
        ('contacts', '0004_portal_access_models'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='PortalSession'),
                migrations.DeleteModel(name='PortalToken'),
            ],
            database_operations=[],
        ),
    ]
