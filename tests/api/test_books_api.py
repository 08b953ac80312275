"""The Books API: keys, the organisation wall, contacts, persons, invoices and payments."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command

from portico.accounts import api_keys
from portico.accounts.models import ApiKey
from portico.contacts.models import Contact, ContactPerson
from portico.documents.models import DocumentSend
from portico.orgs.models import Organisation
from portico.payments.models import Payment
from portico.sales.models import Invoice
from tests.api.conftest import Api
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db
NOWHERE = "00000000-0000-0000-0000-000000000000"


def test_a_revoked_key_is_401(org: Organisation) -> None:
    key, secret = api_keys.api_key_create(organisation=org, name="Old")
    assert Api(secret).get("/books/contacts").status_code == 200
    api_keys.api_key_revoke(key=key)
    response = Api(secret).get("/books/contacts")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_no_key_and_a_made_up_key_are_401() -> None:
    assert Api().get("/books/contacts").status_code == 401
    assert Api("pk_made-up").get("/books/contacts").status_code == 401


def test_a_key_records_when_and_from_where_it_was_last_used(books: Api) -> None:
    books.get("/books/contacts")
    key = ApiKey.objects.get()
    assert key.last_used_at is not None
    assert key.last_used_ip == "127.0.0.1"


def test_a_read_only_key_reads_but_does_not_write(org: Organisation) -> None:
    _key, secret = api_keys.api_key_create(organisation=org, name="Reports", read_only=True)
    api = Api(secret)
    assert api.get("/books/contacts").status_code == 200
    response = api.post(
        "/books/contacts", {"display_name": "New"}, headers={"Idempotency-Key": "c1"}
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "read_only_key"


def test_the_apikey_command_prints_the_key_once_and_stores_its_hash(org: Organisation) -> None:
    out = StringIO()
    call_command("apikey", "create", "--org", org.slug, "--name", "CLI", "--read-only", stdout=out)
    secret = out.getvalue().strip().splitlines()[-1]
    key = ApiKey.objects.get(name="CLI")
    assert key.read_only and secret.startswith("pk_")
    assert secret not in {key.key_hash, key.prefix}
    assert key.key_hash == api_keys.hash_key(secret)
    assert Api(secret).get("/books/contacts").status_code == 200


def test_contacts_are_created_listed_updated_and_deleted(books: Api) -> None:
    created = books.post(
        "/books/contacts",
        {"display_name": "Acme", "email": "ap@acme.example"},
        headers={"Idempotency-Key": "acme"},
    )
    assert created.status_code == 201, created.content
    contact_id = created.json()["id"]
    assert books.get("/books/contacts", search="acm").json()["count"] == 1
    patched = books.patch(f"/books/contacts/{contact_id}", {"phone": "+1 555 0100"})
    assert patched.json()["phone"] == "+1 555 0100"
    assert books.delete(f"/books/contacts/{contact_id}").status_code == 204
    assert books.get(f"/books/contacts/{contact_id}").status_code == 404


def test_a_replayed_create_answers_the_first_contact(books: Api, org: Organisation) -> None:
    body = {"display_name": "Once"}
    first = books.post("/books/contacts", body, headers={"Idempotency-Key": "once"})
    second = books.post("/books/contacts", body, headers={"Idempotency-Key": "once"})
    assert second.status_code == 201 and second.json() == first.json()
    assert Contact.objects.filter(organisation=org, display_name="Once").count() == 1
    other = books.post(
        "/books/contacts", {"display_name": "Other"}, headers={"Idempotency-Key": "once"}
    )
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"


def test_another_organisations_contact_is_the_same_404_as_a_missing_one(
    books: Api, other_org_customer: Contact
) -> None:
    missing = books.get(f"/books/contacts/{NOWHERE}")
    foreign = books.get(f"/books/contacts/{other_org_customer.public_id}")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.content == missing.content
    assert (
        books.patch(f"/books/contacts/{other_org_customer.public_id}", {"phone": "1"}).status_code
        == 404
    )
    assert books.delete(f"/books/contacts/{other_org_customer.public_id}").status_code == 404


def test_a_person_is_added_and_given_portal_access(books: Api, customer_a: Contact) -> None:
    created = books.post(
        f"/books/contacts/{customer_a.public_id}/persons",
        {"first_name": "Pat", "email": "pat@customer-a.example"},
        headers={"Idempotency-Key": "pat"},
    )
    assert created.status_code == 201, created.content
    person_id = created.json()["id"]
    enabled = books.post(
        f"/books/persons/{person_id}/portal/enable", {"password": "a-long-Passphrase-42"}
    )
    assert enabled.status_code == 200, enabled.content
    assert enabled.json()["portal_status"] == ContactPerson.PortalStatus.ACTIVE
    disabled = books.post(f"/books/persons/{person_id}/portal/disable")
    assert disabled.json()["portal_status"] == ContactPerson.PortalStatus.DISABLED


def test_send_invite_false_invites_without_an_email_until_reinvited(
    books: Api, customer_a: Contact, django_capture_on_commit_callbacks: Any
) -> None:
    person = ContactPerson.objects.create(
        organisation=customer_a.organisation,
        contact=customer_a,
        first_name="Quinn",
        email="quinn@customer-a.example",
    )
    path = f"/books/persons/{person.public_id}/portal"
    with django_capture_on_commit_callbacks(execute=True):
        enabled = books.post(f"{path}/enable", {"send_invite": False})
        again = books.post(f"{path}/enable", {"send_invite": False})
    assert enabled.status_code == again.status_code == 200, enabled.content
    assert enabled.json()["portal_status"] == ContactPerson.PortalStatus.INVITED
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        assert books.post(f"{path}/reinvite").status_code == 200
    assert [m.to for m in mail.outbox] == [["quinn@customer-a.example"]]


def test_enabling_invites_by_email_by_default(
    books: Api, customer_a: Contact, django_capture_on_commit_callbacks: Any
) -> None:
    person = ContactPerson.objects.create(
        organisation=customer_a.organisation,
        contact=customer_a,
        first_name="Rae",
        email="rae@customer-a.example",
    )
    with django_capture_on_commit_callbacks(execute=True):
        enabled = books.post(f"/books/persons/{person.public_id}/portal/enable", {})
    assert enabled.json()["portal_status"] == ContactPerson.PortalStatus.INVITED
    assert [m.to for m in mail.outbox] == [["rae@customer-a.example"]]


def test_another_organisations_person_is_404(books: Api, other_org_person: ContactPerson) -> None:
    response = books.post(f"/books/persons/{other_org_person.public_id}/portal/enable", {})
    assert response.status_code == 404


def test_an_invoice_is_created_sent_and_voided(
    books: Api, customer_a: Contact, customer_a_person: ContactPerson
) -> None:
    created = books.post(
        "/books/invoices",
        {
            "contact": str(customer_a.public_id),
            "issue_date": "2026-01-15",
            "lines": [{"description": "Design", "quantity": "2", "rate": "150.00"}],
        },
        headers={"Idempotency-Key": "inv-1"},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == Invoice.Status.DRAFT
    assert body["lines"][0]["amount"] == "300.00"
    sent = books.post(f"/books/invoices/{body['id']}/send")
    assert sent.json()["status"] == Invoice.Status.SENT
    # Send, as in the back office: the customer's person is the recipient on record
    record = DocumentSend.objects.get(document_id=body["id"])
    assert [r["email"] for r in record.recipients] == [customer_a_person.email]
    voided = books.post(f"/books/invoices/{body['id']}/void")
    assert voided.json()["status"] == Invoice.Status.VOID
    again = books.post(f"/books/invoices/{body['id']}/void")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "invalid_transition"


def test_a_bad_rate_is_refused_naming_the_field(books: Api, customer_a: Contact) -> None:
    response = books.post(
        "/books/invoices",
        {
            "contact": str(customer_a.public_id),
            "issue_date": "2026-01-15",
            "lines": [{"rate": "12.345"}],
        },
        headers={"Idempotency-Key": "bad"},
    )
    assert response.status_code == 400
    assert "lines.0.rate" in response.json()["error"]["fields"]


def test_wrong_types_are_422_naming_the_field(books: Api, customer_a: Contact) -> None:
    response = books.post(
        "/books/invoices",
        {"contact": str(customer_a.public_id), "issue_date": "someday", "lines": []},
        headers={"Idempotency-Key": "types"},
    )
    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert "issue_date" in fields and "lines" in fields


def test_another_organisations_invoice_is_404(books: Api, other_org_customer: Contact) -> None:
    invoice = sales.invoice(other_org_customer)
    for path in ("", "/send", "/void"):
        method = books.get if not path else books.post
        assert method(f"/books/invoices/{invoice.public_id}{path}").status_code == 404


def test_a_payment_settles_the_invoice_once_per_key(books: Api, customer_a: Contact) -> None:
    invoice = sales.invoice(customer_a, "100.00")
    body = {
        "contact": str(customer_a.public_id),
        "amount": "100.00",
        "date": "2026-01-20",
        "mode": "bank_transfer",
        "allocations": [{"invoice": str(invoice.public_id), "amount": "100.00"}],
    }
    first = books.post("/books/payments", body, headers={"Idempotency-Key": "pay-1"})
    replay = books.post("/books/payments", body, headers={"Idempotency-Key": "pay-1"})
    assert first.status_code == 201, first.content
    assert replay.json() == first.json()
    assert Payment.objects.filter(contact=customer_a).count() == 1
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID


def test_a_payment_for_another_customers_invoice_is_404(
    books: Api, customer_a: Contact, customer_b: Contact
) -> None:
    invoice = sales.invoice(customer_b, "100.00")
    response = books.post(
        "/books/payments",
        {
            "contact": str(customer_a.public_id),
            "amount": "100.00",
            "date": "2026-01-20",
            "mode": "cash",
            "allocations": [{"invoice": str(invoice.public_id), "amount": "100.00"}],
        },
        headers={"Idempotency-Key": "x"},
    )
    assert response.status_code == 404
    assert Payment.objects.count() == 0


def test_the_openapi_document_and_local_docs_are_served() -> None:
    from django.test import Client

    schema = Client().get("/api/v1/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/books/invoices" in paths and "/api/v1/portal/{org}/checkouts" in paths
    docs = Client().get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()
    assert b"/static/ninja/swagger-ui-bundle.js" in docs.content
    policy = docs["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-eval" not in policy
    # and the assets are ours to serve (collectstatic picks them up; no CDN)
    from django.contrib.staticfiles import finders

    assert finders.find("ninja/swagger-ui-bundle.js") and finders.find("ninja/swagger-ui.css")


def test_api_posts_need_no_csrf_token(books: Api) -> None:
    from django.test import Client

    books.client = Client(enforce_csrf_checks=True)
    response = books.post(
        "/books/contacts", {"display_name": "No cookie"}, headers={"Idempotency-Key": "csrf"}
    )
    assert response.status_code == 201, response.content


def test_idempotency_keys_are_forgotten_after_a_week(books: Api) -> None:
    import datetime

    import time_machine

    from portico.api import tasks
    from portico.api.models import IdempotentRequest

    books.post("/books/contacts", {"display_name": "Kept"}, headers={"Idempotency-Key": "k"})
    assert tasks.idempotency_keys_purge.call() == 0
    later = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=8)
    with time_machine.travel(later):
        assert tasks.idempotency_keys_purge.call() == 1
    assert not IdempotentRequest.objects.exists()
