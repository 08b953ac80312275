"""Send (documents.sending.document_send): recipients, cc, wording, language, history, status,
the idempotency key, and recurring profiles that send automatically."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.core import mail

from portico.accounts.models import User
from portico.activity import invitations
from portico.activity.models import ActivityLog
from portico.contacts.models import Contact, ContactPerson, DocumentLink
from portico.core.errors import DomainError
from portico.documents import sending
from portico.documents.models import DocumentSend
from portico.orgs.models import Organisation
from portico.sales import services as sales
from portico.sales.models import CreditNote, Estimate, Invoice, SalesOrder
from tests.sales import factories as make

pytestmark = pytest.mark.django_db


@pytest.fixture
def dee(customer_a: Contact) -> ContactPerson:
    return ContactPerson.objects.create(
        organisation=customer_a.organisation,
        contact=customer_a,
        first_name="Dee",
        email="dee@customer-a.example",
        language="de",
    )


def send(document: Any, owner: User, capture: Any, **kwargs: Any) -> sending.SendResult:
    with capture(execute=True):
        return sending.document_send(
            organisation=document.organisation, document=document, sent_by=owner, **kwargs
        )


def test_by_default_it_goes_to_the_persons_who_receive_documents_else_the_primary(
    customer_a: Contact, customer_a_person: ContactPerson, dee: ContactPerson
) -> None:
    invoice = make.invoice(customer_a)
    assert sending.default_recipients(invoice) == [customer_a_person]
    dee.receives_documents = True
    dee.save()
    assert sending.default_recipients(invoice) == [dee]


def test_a_person_whose_portal_access_was_disabled_is_not_offered(
    customer_a: Contact, customer_a_person: ContactPerson, dee: ContactPerson, password: str
) -> None:
    invitations.portal_access_enable(person=dee, password=password)
    invitations.portal_access_disable(person=dee)
    assert sending.recipient_choices(make.invoice(customer_a)) == [customer_a_person]


def test_each_recipient_gets_html_and_text_with_the_portal_page_and_a_personal_link(
    owner: User,
    customer_a: Contact,
    customer_a_person: ContactPerson,
    django_capture_on_commit_callbacks: Any,
) -> None:
    invoice = make.invoice(customer_a, "1200.00")
    result = send(invoice, owner, django_capture_on_commit_callbacks)
    assert result.sent_now
    [message] = mail.outbox
    assert message.to == ["ann@customer-a.example"]
    assert message.subject == f"Invoice {invoice.number} from Studio A"
    html = message.alternatives[0][0]  # type: ignore[attr-defined]
    # a person without portal access: the button is the personal link, never the print view
    assert re.search(r"/portal/studio-a/d/[\w-]{40,}", message.body)
    assert re.search(r'href="http[^"]+/portal/studio-a/d/[\w-]{40,}"', html)
    assert "/print" not in message.body and "/print" not in html
    assert "$1,200.00" in message.body
    assert message.attachments[0][0] == f"invoice-{invoice.number}.pdf"


def test_a_person_with_portal_access_gets_the_portal_page_behind_the_button(
    owner: User,
    customer_a: Contact,
    customer_a_person: ContactPerson,
    password: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    invitations.portal_access_enable(person=customer_a_person, password=password)
    mail.outbox.clear()
    invoice = make.invoice(customer_a)
    send(invoice, owner, django_capture_on_commit_callbacks)
    html = mail.outbox[0].alternatives[0][0]  # type: ignore[attr-defined]
    assert f'href="http://testserver/portal/studio-a/invoices/{invoice.public_id}"' in html or (
        f"/portal/studio-a/invoices/{invoice.public_id}" in html
    )
    assert "/portal/studio-a/d/" in html  # and the personal link below it


def test_cc_addresses_are_validated_and_nothing_is_written_when_one_is_malformed(
    owner: User,
    customer_a: Contact,
    customer_a_person: ContactPerson,
    django_capture_on_commit_callbacks: Any,
) -> None:
    invoice = make.invoice(customer_a, send=False)
    with pytest.raises(DomainError) as refused:
        send(invoice, owner, django_capture_on_commit_callbacks, cc=["ok@example.com", "nope@"])
    assert refused.value.field == "cc"
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.DRAFT
    assert not DocumentSend.objects.exists() and not DocumentLink.objects.exists()
    assert mail.outbox == []


def test_cc_addresses_get_the_email_without_a_personal_link(
    owner: User,
    customer_a: Contact,
    customer_a_person: ContactPerson,
    django_capture_on_commit_callbacks: Any,
) -> None:
    invoice = make.invoice(customer_a)
    send(invoice, owner, django_capture_on_commit_callbacks, cc=["Boss@Customer-A.example"])
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"ann@customer-a.example", "Boss@Customer-A.example"}
    assert "/d/" not in by_address["Boss@Customer-A.example"].body
    assert f"/invoices/{invoice.public_id}" in by_address["Boss@Customer-A.example"].body


def test_a_person_of_another_customer_is_refused(
    owner: User,
    customer_a: Contact,
    customer_b_person: ContactPerson,
    django_capture_on_commit_callbacks: Any,
) -> None:
    invoice = make.invoice(customer_a)
    with pytest.raises(DomainError) as refused:
        send(invoice, owner, django_capture_on_commit_callbacks, persons=[customer_b_person])
    assert refused.value.field == "persons"
    assert mail.outbox == []


def test_each_recipient_reads_it_in_their_own_language(
    owner: User,
    customer_a: Contact,
    customer_a_person: ContactPerson,
    dee: ContactPerson,
    django_capture_on_commit_callbacks: Any,
) -> None:
    invoice = make.invoice(customer_a, issue_date=datetime.date(2026, 2, 1))
    send(
        invoice,
        owner,
        django_capture_on_commit_callbacks,
        persons=[customer_a_person, dee],
        subject="{document_number} · {issue_date}",
        message="Hello {contact_name}, {document_total} by {due_date}.",
    )
    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address["ann@customer-a.example"].subject.endswith("Feb 1, 2026")
    assert by_address["dee@customer-a.example"].subject.endswith("01.02.2026")
    assert "Hello Dee, 100,00" in by_address["dee@customer-a.example"].body
    record = DocumentSend.objects.get()
    assert [r["language"] for r in record.recipients] == ["en", "de"]


def test_an_unknown_placeholder_is_refused(
    owner: User,
    customer_a: Contact,
    customer_a_person: ContactPerson,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with pytest.raises(DomainError) as refused:
        send(
            make.invoice(customer_a),
            owner,
            django_capture_on_commit_callbacks,
            subject="Invoice {nummer}",
        )
    assert refused.value.field == "subject" and refused.value.code == "unknown_placeholder"


def test_the_organisations_own_wording_is_used(
    owner: User,
    org: Organisation,
    customer_a: Contact,
    customer_a_person: ContactPerson,
    django_capture_on_commit_callbacks: Any,
) -> None:
    sending.email_template_save(
        organisation=org,
        kind="invoice",
        subject="Bill {document_number}",
        message="Dear {contact_name}, please pay {balance_due}.",
    )
    invoice = make.invoice(customer_a, "40.00")
    send(invoice, owner, django_capture_on_commit_callbacks)
    assert mail.outbox[0].subject == f"Bill {invoice.number}"
    assert "please pay $40.00." in mail.outbox[0].body
    with pytest.raises(DomainError):
        sending.email_template_save(
            organisation=org, kind="invoice", subject="{oops}", message="Hello"
        )


def test_it_records_who_got_what_in_the_history_and_the_activity_log(
    owner: User,
    customer_a: Contact,
    customer_a_person: ContactPerson,
    django_capture_on_commit_callbacks: Any,
) -> None:
    invoice = make.invoice(customer_a)
    result = send(
        invoice, owner, django_capture_on_commit_callbacks, cc=["boss@customer-a.example"]
    )
    record = result.record
    assert record.sent_by == owner and record.number == invoice.number
    assert record.addresses == ["ann@customer-a.example", "boss@customer-a.example"]
    assert sending.send_history(organisation=invoice.organisation, document=invoice) == [record]
    log = ActivityLog.objects.get(action="document_sent")
    assert log.person == customer_a_person and log.target_id == invoice.public_id
    assert "ann@customer-a.example" in log.detail and "boss@customer-a.example" in log.detail


@pytest.mark.parametrize(
    "make_draft,status",
    [
        (lambda c: make.invoice(c, send=False), Invoice.Status.SENT),
        (lambda c: make.invoice(c, send=False, kind="retainer"), Invoice.Status.SENT),
        (lambda c: make.estimate(c), Estimate.Status.SENT),
        (lambda c: make.sales_order(c), SalesOrder.Status.CONFIRMED),
        (lambda c: make.credit_note(c, open_it=False), CreditNote.Status.OPEN),
    ],
)
def test_sending_a_draft_issues_it(
    owner: User,
    customer_a: Contact,
    customer_a_person: ContactPerson,
    django_capture_on_commit_callbacks: Any,
    make_draft: Any,
    status: str,
) -> None:
    draft = make_draft(customer_a)
    assert draft.status == "draft"
    send(draft, owner, django_capture_on_commit_callbacks)
    draft.refresh_from_db()
    assert draft.status == status
    assert len(mail.outbox) == 1


def test_a_sent_invoice_can_be_sent_again_and_a_void_one_cannot(
    owner: User,
    customer_a: Contact,
    customer_a_person: ContactPerson,
    django_capture_on_commit_callbacks: Any,
) -> None:
    invoice = make.invoice(customer_a)
    send(invoice, owner, django_capture_on_commit_callbacks)
    send(invoice, owner, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2 and DocumentSend.objects.count() == 2
    sales.invoice_void(invoice=invoice)
    with pytest.raises(DomainError) as refused:
        send(invoice, owner, django_capture_on_commit_callbacks)
    assert refused.value.code == "not_sendable"


def test_the_same_key_sends_once(
    owner: User,
    customer_a: Contact,
    customer_a_person: ContactPerson,
    django_capture_on_commit_callbacks: Any,
) -> None:
    invoice = make.invoice(customer_a)
    first = send(invoice, owner, django_capture_on_commit_callbacks, key="form-123")
    again = send(invoice, owner, django_capture_on_commit_callbacks, key="form-123")
    assert first.sent_now and not again.sent_now
    assert again.record == first.record
    assert len(mail.outbox) == 1 and DocumentLink.objects.count() == 1


def test_a_customer_with_nobody_to_email_is_refused(
    owner: User, customer_a: Contact, django_capture_on_commit_callbacks: Any
) -> None:
    with pytest.raises(DomainError) as refused:
        send(make.invoice(customer_a), owner, django_capture_on_commit_callbacks)
    assert refused.value.code == "no_recipients"


def test_a_recurring_profile_that_sends_automatically_emails_each_new_invoice_once(
    customer_a: Contact, customer_a_person: ContactPerson, django_capture_on_commit_callbacks: Any
) -> None:
    make.recurring_profile(customer_a, send_automatically=True, frequency="monthly")
    with django_capture_on_commit_callbacks(execute=True):
        made = sales.recurring_generate_due(today=datetime.date(2026, 3, 20))
    assert made and all(i.status == Invoice.Status.SENT for i in made)
    assert sorted(m.subject for m in mail.outbox) == sorted(
        f"Invoice {i.number} from Studio A" for i in made
    )
    assert all(r.automatic and r.sent_by is None for r in DocumentSend.objects.all())
    # and running the same day again sends nothing more
    with django_capture_on_commit_callbacks(execute=True):
        sales.recurring_generate_due(today=datetime.date(2026, 3, 20))
    assert len(mail.outbox) == len(made)


def test_a_recurring_profile_that_does_not_send_automatically_emails_nothing(
    customer_a: Contact, customer_a_person: ContactPerson, django_capture_on_commit_callbacks: Any
) -> None:
    make.recurring_profile(customer_a, send_automatically=False, frequency="monthly")
    with django_capture_on_commit_callbacks(execute=True):
        assert sales.recurring_generate_due(today=datetime.date(2026, 3, 20))
    assert mail.outbox == []


def test_a_reminder_is_recorded_as_one(
    owner: User,
    customer_a: Contact,
    customer_a_person: ContactPerson,
    django_capture_on_commit_callbacks: Any,
) -> None:
    invoice = make.invoice(customer_a)
    result = send(
        invoice,
        owner,
        django_capture_on_commit_callbacks,
        subject="Reminder: {document_number} is {days_overdue} days overdue",
        message="Hello {contact_name}, {balance_due} is still to pay: {link}",
        key=f"reminder:{invoice.public_id}:overdue-7",
        purpose=DocumentSend.Purpose.REMINDER,
    )
    assert result.record.purpose == "reminder"
    assert ActivityLog.objects.get().action == "reminder_sent"
    assert re.search(r"still to pay: http\S+/d/\S+", mail.outbox[0].body)


def test_a_mail_failure_never_undoes_the_recurring_invoice(
    customer_a: Contact,
    customer_a_person: ContactPerson,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("the PDF renderer fell over")

    monkeypatch.setattr(sending, "document_send", broken)
    make.recurring_profile(customer_a, send_automatically=True, frequency="monthly")
    with django_capture_on_commit_callbacks(execute=True):
        made = sales.recurring_generate_due(today=datetime.date(2026, 3, 20))
    assert made
    assert Invoice.objects.filter(pk__in=[i.pk for i in made], status="sent").count() == len(made)
    assert mail.outbox == []
