"""The Portal API: tokens, the wall (foreign ids 404), roles, answers and checkouts."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from portico.activity import invitations
from portico.contacts.models import Contact, ContactPerson, PortalSession
from portico.orgs.models import GatewayAccount, Organisation
from portico.payments.models import Checkout
from portico.sales import services as sales_services
from portico.sales.models import Estimate, Invoice
from tests.api.conftest import Api, portal_token
from tests.payments.checkout.conftest import Tokenise
from tests.projects.factories import ProjectFactory, TimesheetApprovalFactory
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db


def base(org: Organisation) -> str:
    return f"/portal/{org.slug}"


def test_a_token_is_listed_among_the_persons_sessions_and_ending_it_logs_out(
    org: Organisation, active_person: ContactPerson, password: str
) -> None:
    # given
    api = Api(portal_token(org, active_person, password))
    session = PortalSession.objects.get(person=active_person)
    assert session.is_api_token and session.expires_at is not None
    # when
    assert api.get(f"{base(org)}/home").status_code == 200
    assert api.delete(f"{base(org)}/auth/token").status_code == 204
    # then
    response = api.get(f"{base(org)}/home")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
    assert not PortalSession.objects.filter(pk=session.pk).exists()


def test_a_wrong_password_is_401_in_the_envelope(
    org: Organisation, active_person: ContactPerson
) -> None:
    response = Api().post(
        f"{base(org)}/auth/token", {"email": active_person.email, "password": "nope-nope"}
    )
    assert response.status_code == 401
    assert response.json() == {
        "error": {
            "code": "invalid_credentials",
            "message": "The email address, password or code is not correct.",
            "fields": {},
        }
    }


def test_failed_logins_are_throttled_like_the_login_page(
    org: Organisation, active_person: ContactPerson, password: str, settings: Any
) -> None:
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        Api().post(f"{base(org)}/auth/token", {"email": active_person.email, "password": "x"})
    response = Api().post(
        f"{base(org)}/auth/token", {"email": active_person.email, "password": password}
    )
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"


def test_an_expired_token_is_401(portal: Api, org: Organisation) -> None:
    PortalSession.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert portal.get(f"{base(org)}/invoices").status_code == 401


def test_disabling_portal_access_ends_the_token(
    portal: Api, org: Organisation, active_person: ContactPerson
) -> None:
    invitations.portal_access_disable(person=active_person)
    assert portal.get(f"{base(org)}/home").status_code == 401


def test_a_token_works_only_at_its_own_portal(
    portal: Api, org: Organisation, other_org: Organisation
) -> None:
    assert portal.get(f"/portal/{other_org.slug}/home").status_code == 401


def test_two_factor_needs_the_one_time_code(
    org: Organisation, active_person: ContactPerson, password: str
) -> None:
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    assert active_person.user is not None
    device = TOTPDevice.objects.create(user=active_person.user, confirmed=True)
    body = {"email": active_person.email, "password": password}
    missing = Api().post(f"{base(org)}/auth/token", body)
    assert missing.status_code == 401
    assert missing.json()["error"]["code"] == "two_factor_required"
    code = f"{totp(device.bin_key):06d}"
    assert Api().post(f"{base(org)}/auth/token", {**body, "code": code}).status_code == 201
    # and a code is good once
    again = Api().post(f"{base(org)}/auth/token", {**body, "code": code})
    assert again.status_code == 401


def test_invoices_list_filters_sorts_and_paginates(
    portal: Api, org: Organisation, customer_a: Contact, customer_b: Contact
) -> None:
    # given three of customer A's invoices, a draft and customer B's
    for rate in ("10.00", "30.00", "20.00"):
        sales.invoice(customer_a, rate)
    sales.invoice(customer_a, "99.00", send=False)
    sales.invoice(customer_b, "50.00")
    # when
    response = portal.get(f"{base(org)}/invoices", sort="-amount", page_size=2)
    # then
    body = response.json()
    assert response.status_code == 200
    assert (body["count"], body["page"], body["pages"]) == (3, 1, 2)
    assert [i["total"] for i in body["items"]] == ["30.00", "20.00"]
    assert body["items"][0]["currency"] == customer_a.currency


def test_updated_since_keeps_only_newer_rows(
    portal: Api, org: Organisation, customer_a: Contact
) -> None:
    old = sales.invoice(customer_a, "10.00")
    Invoice.objects.filter(pk=old.pk).update(updated_at=timezone.now() - datetime.timedelta(days=3))
    sales.invoice(customer_a, "20.00")
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    body = portal.get(f"{base(org)}/invoices", updated_since=since).json()
    assert [i["total"] for i in body["items"]] == ["20.00"]


@pytest.mark.parametrize(
    "path",
    [
        "invoices/{invoice}",
        "invoices/{invoice}/pdf",
        "estimates/{estimate}",
        "payments/{payment}",
    ],
)
def test_another_customers_id_is_the_same_404_as_a_missing_one(
    path: str, portal: Api, org: Organisation, customer_b: Contact, other_org_customer: Contact
) -> None:
    from tests.portal.pages.foreign_ids import a_payment, an_estimate, an_invoice

    missing = portal.get(
        f"{base(org)}/"
        + path.format(
            invoice="00000000-0000-0000-0000-000000000000",
            estimate="00000000-0000-0000-0000-000000000000",
            payment="00000000-0000-0000-0000-000000000000",
        )
    )
    assert missing.status_code == 404
    for contact in (customer_b, other_org_customer):
        ids = {
            "invoice": an_invoice(contact),
            "estimate": an_estimate(contact),
            "payment": a_payment(contact),
        }
        response = portal.get(f"{base(org)}/" + path.format(**ids))
        assert response.status_code == 404
        assert response.content == missing.content


def test_accepting_an_estimate_signs_it(
    portal: Api, org: Organisation, customer_a: Contact
) -> None:
    estimate = sales_services.estimate_send(estimate=sales.estimate(customer_a))
    url = f"{base(org)}/estimates/{estimate.public_id}/accept"
    response = portal.post(url, {"signed_name": "Ann Example"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == Estimate.Status.ACCEPTED
    # and a second answer is a conflict in the envelope
    again = portal.post(f"{base(org)}/estimates/{estimate.public_id}/decline", {"reason": "no"})
    assert again.status_code in {400, 409}
    assert again.json()["error"]["code"]


def test_a_billing_person_cannot_reach_timesheets(
    org: Organisation, customer_a_person: ContactPerson, customer_a: Contact, password: str
) -> None:
    from tests.portal.conftest import enable_with_password

    enable_with_password(customer_a_person, password, role=ContactPerson.PortalRole.BILLING)
    api = Api(portal_token(org, customer_a_person, password))
    approval = TimesheetApprovalFactory(project=ProjectFactory(contact=customer_a))
    assert api.get(f"{base(org)}/timesheets").status_code == 404
    assert api.post(f"{base(org)}/timesheets/{approval.public_id}/approve").status_code == 404
    assert api.get(f"{base(org)}/invoices").status_code == 200


def test_a_timesheet_is_approved_and_another_customers_is_404(
    portal: Api, org: Organisation, customer_a: Contact, customer_b: Contact
) -> None:
    org.portal_preferences.show_projects = True
    org.portal_preferences.save()
    own = TimesheetApprovalFactory(project=ProjectFactory(contact=customer_a))
    foreign = TimesheetApprovalFactory(project=ProjectFactory(contact=customer_b))
    assert portal.post(f"{base(org)}/timesheets/{foreign.public_id}/approve").status_code == 404
    response = portal.post(f"{base(org)}/timesheets/{own.public_id}/approve")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"


def test_a_checkout_pays_the_invoice_and_a_replay_answers_the_first_checkout(
    portal: Api,
    org: Organisation,
    customer_a: Contact,
    sandbox_account: GatewayAccount,
    tokenise: Tokenise,
) -> None:
    # given
    invoice = sales.invoice(customer_a, "100.00")
    body = {"invoices": [{"id": str(invoice.public_id)}], "token": tokenise()}
    headers = {"Idempotency-Key": "pay-once"}
    # when
    first = portal.post(f"{base(org)}/checkouts", body, headers=headers)
    replay = portal.post(f"{base(org)}/checkouts", body, headers=headers)
    # then
    assert first.status_code == 201, first.content
    assert first.json()["state"] == Checkout.State.SUCCEEDED
    assert replay.status_code == 201
    assert replay.json() == first.json()
    assert Checkout.objects.count() == 1
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID


def test_a_checkout_needs_an_idempotency_key(
    portal: Api, org: Organisation, customer_a: Contact
) -> None:
    invoice = sales.invoice(customer_a, "100.00")
    response = portal.post(
        f"{base(org)}/checkouts", {"invoices": [{"id": str(invoice.public_id)}], "token": "tok_x"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "idempotency_key_required"


def test_a_declined_card_reports_its_state(
    portal: Api,
    org: Organisation,
    customer_a: Contact,
    sandbox_account: GatewayAccount,
    tokenise: Tokenise,
) -> None:
    invoice = sales.invoice(customer_a, "100.00")
    response = portal.post(
        f"{base(org)}/checkouts",
        {"invoices": [{"id": str(invoice.public_id)}], "token": tokenise("4100000000000019")},
        headers={"Idempotency-Key": "fraud"},
    )
    body = response.json()
    assert response.status_code in {201, 400}, body
    code = body["error"]["code"] if response.status_code == 400 else body["error_code"]
    assert code == "CP3003"


def test_another_customers_invoice_cannot_be_paid(
    portal: Api, org: Organisation, customer_b: Contact, sandbox_account: GatewayAccount
) -> None:
    invoice = sales.invoice(customer_b, "100.00")
    response = portal.post(
        f"{base(org)}/checkouts",
        {"invoices": [{"id": str(invoice.public_id)}], "token": "tok_x"},
        headers={"Idempotency-Key": "k"},
    )
    assert response.status_code == 404
    assert Checkout.objects.count() == 0


def test_the_invoice_pdf_is_served_for_an_own_invoice(
    portal: Api, org: Organisation, customer_a: Contact
) -> None:
    invoice = sales.invoice(customer_a, "100.00")
    response = portal.get(f"{base(org)}/invoices/{invoice.public_id}/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_invoice_pdf_is_in_the_persons_language(
    portal: Api, org: Organisation, customer_a: Contact, active_person: ContactPerson
) -> None:
    from django.core.files.storage import default_storage

    from portico.documents import pdf
    from portico.documents.kinds import kind_of

    active_person.language = "de"
    active_person.save(update_fields=["language"])
    invoice = sales.invoice(customer_a, "100.00")
    response = portal.get(f"{base(org)}/invoices/{invoice.public_id}/pdf")
    assert response.status_code == 200
    german = pdf.cache_path(invoice, kind_of(invoice), "de")
    assert default_storage.exists(german)
    with default_storage.open(german, "rb") as handle:
        assert handle.read() == response.content


def test_a_projects_person_does_not_see_invoices(
    org: Organisation, customer_a_person: ContactPerson, customer_a: Contact, password: str
) -> None:
    from tests.portal.conftest import enable_with_password

    enable_with_password(customer_a_person, password, role=ContactPerson.PortalRole.PROJECTS)
    api = Api(portal_token(org, customer_a_person, password))
    invoice = sales.invoice(customer_a)
    assert api.get(f"{base(org)}/invoices").status_code == 404
    assert api.get(f"{base(org)}/invoices/{invoice.public_id}").status_code == 404
    assert api.get(f"{base(org)}/statement").status_code == 404


def test_the_token_is_listed_on_the_account_page_and_ended_from_there(
    portal: Api, portal_client: Any, org: Organisation
) -> None:
    # given the same person logged in with a browser and holding an API token
    token_session = PortalSession.objects.get(token_hash__isnull=False)
    account = portal_client.get(f"/portal/{org.slug}/account")
    assert str(token_session.public_id).encode() in account.content
    # when the browser ends the token's session
    portal_client.post(f"/portal/{org.slug}/account/sessions/{token_session.public_id}/end")
    # then the token stops working
    assert portal.get(f"{base(org)}/home").status_code == 401


def test_a_deleted_customer_answers_cp1003_like_the_pages(
    portal: Api, org: Organisation, customer_a: Contact
) -> None:
    Contact.objects.filter(pk=customer_a.pk).update(is_deleted=True)
    response = portal.get(f"{base(org)}/home")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "CP1003"
