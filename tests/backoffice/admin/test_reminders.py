"""The back office for payment reminders: the schedule, the invoice list's "last reminded",
sending by hand (action and button) and the two switches."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from portico.accounts.models import User
from portico.contacts.models import Contact, ContactPerson
from portico.orgs.models import Organisation
from portico.payments import reminders
from portico.payments.models import InvoiceReminder, ReminderSchedule, ReminderStage
from portico.sales.models import Invoice
from tests.sales import factories as make

pytestmark = pytest.mark.django_db


def form_data(response: Any) -> dict[str, Any]:
    """The POST a browser would send back from an admin change page, as it was rendered."""
    data: dict[str, Any] = {}
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif value is not None:
            data[name] = getattr(value, "pk", value)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = value
        for index, inline_form in enumerate(formset.forms):
            for name in inline_form.fields:
                value = inline_form.initial.get(name, inline_form.fields[name].initial)
                key = f"{formset.prefix}-{index}-{name}"
                if isinstance(value, bool):
                    if value:
                        data[key] = "on"
                elif value is not None:
                    data[key] = getattr(value, "pk", value)
    return data


@pytest.fixture
def overdue(customer_a: Contact, customer_a_person: ContactPerson) -> Invoice:
    return make.invoice(customer_a)  # issued 2026-01-15, due 30 days later: long overdue


def test_the_schedule_is_made_with_the_defaults_when_staff_open_it(
    owner_client: Client, org: Organisation
) -> None:
    response = owner_client.get(reverse("admin:payments_reminderschedule_changelist"))

    assert response.status_code == 200
    schedule = ReminderSchedule.objects.get(organisation=org)
    assert list(ReminderStage.objects.filter(schedule=schedule).values_list("days", flat=True)) == [
        -3,
        0,
        7,
        14,
        30,
    ]
    assert "7 days overdue" in response.content.decode()


def test_a_stage_with_an_unknown_placeholder_is_refused_and_nothing_is_saved(
    owner_client: Client, org: Organisation
) -> None:
    schedule = reminders.schedule_of(org)
    url = reverse("admin:payments_reminderschedule_change", args=[schedule.pk])
    data = form_data(owner_client.get(url))
    data["stages-2-subject"] = "Invoice {invoce_number} is overdue"
    data["stages-2-enabled"] = ""
    data.pop("enabled")  # the master switch would go off too

    response = owner_client.post(url, data)

    assert response.status_code == 200
    assert "Unknown placeholder {invoce_number}" in response.content.decode()
    stage = ReminderStage.objects.get(schedule=schedule, days=7)
    assert "{invoce_number}" not in stage.subject and stage.enabled
    assert ReminderSchedule.objects.get(pk=schedule.pk).enabled


def test_a_stage_is_edited_and_turned_off(owner_client: Client, org: Organisation) -> None:
    schedule = reminders.schedule_of(org)
    url = reverse("admin:payments_reminderschedule_change", args=[schedule.pk])
    data = form_data(owner_client.get(url))
    data["stages-2-subject"] = "{customer_name}: {document_number} is late"
    data.pop("stages-3-enabled")

    response = owner_client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert ReminderStage.objects.get(schedule=schedule, days=7).subject == (
        "{customer_name}: {document_number} is late"
    )
    assert not ReminderStage.objects.get(schedule=schedule, days=14).enabled


def test_a_teammate_sees_the_schedule_but_cannot_change_it(
    teammate_client: Client, org: Organisation
) -> None:
    schedule = reminders.schedule_of(org)
    url = reverse("admin:payments_reminderschedule_change", args=[schedule.pk])
    data = {"enabled": ""}

    seen = teammate_client.get(url)
    refused = teammate_client.post(url, data)

    assert seen.status_code == 200 and refused.status_code == 403
    assert ReminderSchedule.objects.get(pk=schedule.pk).enabled


def test_the_invoice_list_shows_when_each_invoice_was_last_reminded(
    owner_client: Client, owner: User, org: Organisation, overdue: Invoice
) -> None:
    reminders.invoice_remind(organisation=org, invoice=overdue, sent_by=owner)

    response = owner_client.get(reverse("admin:sales_invoice_changelist"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "last reminded" in html.lower()
    row = response.context["cl"].result_list[0]
    assert row.last_reminded_at == InvoiceReminder.objects.get().created_at


def test_the_action_sends_a_reminder_by_hand_to_each_selected_invoice(
    owner_client: Client,
    owner: User,
    overdue: Invoice,
    customer_a: Contact,
    django_capture_on_commit_callbacks: Any,
) -> None:
    draft = make.invoice(customer_a, send=False)
    data = {"action": "send_reminder", "_selected_action": [overdue.pk, draft.pk]}

    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(reverse("admin:sales_invoice_changelist"), data)

    assert response.status_code == 302
    reminder = InvoiceReminder.objects.get()
    assert reminder.invoice == overdue and reminder.manual and reminder.sent_by == owner
    assert [m.to for m in mail.outbox] == [["ann@customer-a.example"]]
    shown = [str(m) for m in response.wsgi_request._messages]  # type: ignore[attr-defined]
    assert any("draft" in m for m in shown) and any("Reminders sent: 1" in m for m in shown)


def test_the_button_on_the_invoice_page_asks_then_sends(
    owner_client: Client, owner: User, overdue: Invoice, django_capture_on_commit_callbacks: Any
) -> None:
    page = owner_client.get(reverse("admin:sales_invoice_change", args=[overdue.pk]))
    url = reverse("admin:sales_invoice_remind", args=[overdue.pk])
    assert url in page.content.decode()

    confirm = owner_client.get(url)
    assert confirm.status_code == 200 and "ann@customer-a.example" in confirm.content.decode()
    assert not InvoiceReminder.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        sent = owner_client.post(url)

    assert sent.status_code == 302
    assert InvoiceReminder.objects.get().manual
    assert len(mail.outbox) == 1
    # the invoice page lists the reminder
    page = owner_client.get(reverse("admin:sales_invoice_change", args=[overdue.pk]))
    assert "ann@customer-a.example" in page.content.decode()


def test_the_button_on_another_organisations_invoice_is_404(
    owner_client: Client, other_org_customer: Contact, other_org_person: ContactPerson
) -> None:
    foreign = make.invoice(other_org_customer)

    url = reverse("admin:sales_invoice_remind", args=[foreign.pk])

    assert owner_client.get(url).status_code == 404
    assert owner_client.post(url).status_code == 404
    assert not InvoiceReminder.objects.exists()


def test_reminders_are_stopped_on_an_issued_invoice(owner_client: Client, overdue: Invoice) -> None:
    url = reverse("admin:sales_invoice_change", args=[overdue.pk])
    data = form_data(owner_client.get(url))
    data["reminders_off"] = "on"

    response = owner_client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    overdue.refresh_from_db()
    assert overdue.reminders_off
    assert overdue.status == Invoice.Status.SENT and overdue.balance_due == overdue.total


def test_the_customer_switch_is_on_the_customers_page(
    owner_client: Client, customer_a: Contact
) -> None:
    response = owner_client.get(reverse("admin:contacts_contact_change", args=[customer_a.pk]))

    assert 'name="reminders_off"' in response.content.decode()
