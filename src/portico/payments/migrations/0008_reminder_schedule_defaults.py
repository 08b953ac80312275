"""Every existing organisation gets the default payment reminder schedule (new ones get it the
first time it is needed: `portico.payments.reminders.schedule_of`). The texts are frozen here,
as they were when this migration was written."""

from django.db import migrations

GREETING = "Hello {contact_name},"
SIGNATURE = "Thank you,\n{organisation_name}"
STAGES = [
    (
        -3,
        "Invoice {document_number} is due on {due_date}",
        "A friendly reminder that invoice {document_number} from {organisation_name} "
        "for {balance_due} is due on {due_date}.",
    ),
    (
        0,
        "Invoice {document_number} is due today",
        "Invoice {document_number} from {organisation_name} for {balance_due} is due "
        "today. If you have already paid it, thank you, and please ignore this email.",
    ),
    (
        7,
        "Invoice {document_number} is overdue",
        "Invoice {document_number} from {organisation_name} was due on {due_date} and is "
        "now {days_overdue} days overdue. {balance_due} is still to pay.",
    ),
    (
        14,
        "Second reminder: invoice {document_number} is overdue",
        "Invoice {document_number} is {days_overdue} days overdue, with {balance_due} "
        "still to pay. Please pay it, or reply to tell us when you will.",
    ),
    (
        30,
        "Final reminder: invoice {document_number} is {days_overdue} days overdue",
        "Invoice {document_number}, due on {due_date}, is now {days_overdue} days "
        "overdue and {balance_due} is still to pay. Please pay it now, or contact "
        "{organisation_name} if something is wrong with it.",
    ),
]


def add_schedules(apps, schema_editor):
    Organisation = apps.get_model("orgs", "Organisation")
    ReminderSchedule = apps.get_model("payments", "ReminderSchedule")
    ReminderStage = apps.get_model("payments", "ReminderStage")
    have = set(ReminderSchedule.objects.values_list("organisation_id", flat=True))
    for organisation_id in Organisation.objects.exclude(pk__in=have).values_list("pk", flat=True):
        schedule = ReminderSchedule.objects.create(organisation_id=organisation_id)
        ReminderStage.objects.bulk_create(
            ReminderStage(
                organisation_id=organisation_id,
                schedule=schedule,
                days=days,
                subject=subject,
                message=f"{GREETING}\n\n{message}\n\n{SIGNATURE}",
            )
            for days, subject, message in STAGES
        )


class Migration(migrations.Migration):
    dependencies = [("payments", "0007_payment_reminders")]

    operations = [migrations.RunPython(add_schedules, migrations.RunPython.noop)]
