# The portal's token and session models move to contacts; their tables stay as they are.

import django.db.models.deletion
import django.utils.timezone
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contacts', '0003_self_service'),
        ('orgs', '0002_portalpreferences_require_two_factor'),
        ('portal', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='PortalSession',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('session_key', models.CharField(max_length=40, unique=True)),
                        ('user_agent', models.CharField(blank=True, max_length=300)),
                        ('ip_address', models.GenericIPAddressField(blank=True, null=True)),
                        ('last_seen_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('organisation', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='orgs.organisation')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='portal_sessions', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'portal_portalsession',
                        'ordering': ['-last_seen_at'],
                    },
                ),
                migrations.CreateModel(
                    name='PortalToken',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('purpose', models.CharField(choices=[('invitation', 'Invitation'), ('password_reset', 'Password reset'), ('email_change', 'Email change')], max_length=20)),
                        ('token_hash', models.CharField(max_length=64, unique=True)),
                        ('expires_at', models.DateTimeField()),
                        ('used_at', models.DateTimeField(blank=True, null=True)),
                        ('revoked_at', models.DateTimeField(blank=True, null=True)),
                        ('organisation', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='orgs.organisation')),
                        ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='portal_tokens', to='contacts.contactperson')),
                    ],
                    options={
                        'db_table': 'portal_portaltoken',
                        'indexes': [models.Index(fields=['person', 'purpose'], name='portal_port_person__8792b5_idx')],
                    },
                ),
                migrations.AlterField(
                    model_name='pendingemailchange',
                    name='token',
                    field=models.OneToOneField(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='contacts.portaltoken'),
                ),
            ],
            database_operations=[],
        ),
    ]
