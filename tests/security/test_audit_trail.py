"""The audit trail (#21): sign-ins, portal access, API keys, webhook endpoints and money
movements, each with who, from where and when, in its organisation only; the back office lists
it read-only and exports it as CSV with the list's filters."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portico.accounts import api_keys, two_factor
from portico.accounts.models import Membership, User
from portico.activity import invitations
from portico.activity import tasks as activity_tasks
from portico.activity.models import ACTION_LABELS, ActivityLog
from portico.contacts.models import ContactPerson
from portico.core import audit
from portico.orgs.models import Organisation
from portico.payments import services as payments
from portico.webhooks import services as webhooks
from tests.accounts.factories import MembershipFactory
from tests.api.conftest import Api, portal_token
from tests.portal.conftest import active_person, portal_login
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db
__all__ = ["active_person"]

BROWSER = {"HTTP_USER_AGENT": "AuditBrowser/1.0 " + "x" * 400, "REMOTE_ADDR": "198.51.100.7"}
LIST = reverse("admin:activity_activitylog_changelist")
EXPORT = reverse("admin:activity_activitylog_export_csv")


def trail(org: Organisation, **filters: object) -> list[ActivityLog]:
    return list(ActivityLog.objects.filter(organisation=org, **filters).order_by("id"))


def staff_sign_in(client: Client, email: str, password: str) -> int:
    response = client.post(
        reverse("admin:login"), {"username": email, "password": password}, **BROWSER
    )
    return response.status_code


def test_every_action_has_a_name_staff_read() -> None:
    assert set(audit.ACTIONS) == set(ACTION_LABELS)


# --- sign-ins --------------------------------------------------------------------------------


def test_staff_sign_in_and_a_failed_one_are_kept_with_address_browser_and_time(
    owner: User, password: str, org: Organisation, other_org: Organisation
) -> None:
    client = Client()
    assert staff_sign_in(client, owner.email, "not the password") == 200
    assert staff_sign_in(client, owner.email, password) == 302
    client.post(reverse("admin:logout"), **BROWSER)

    failed, signed_in, signed_out = trail(org, kind="sign_in")
    assert (failed.action, failed.actor_kind, failed.actor_label) == (
        "sign_in_failed",
        "anonymous",
        owner.email,
    )
    assert (signed_in.action, signed_in.actor_kind, signed_in.actor_user) == (
        "signed_in",
        "staff",
        owner,
    )
    assert signed_out.action == "signed_out"
    for row in (failed, signed_in, signed_out):
        assert row.ip_address == "198.51.100.7"
        assert row.user_agent.startswith("AuditBrowser/1.0") and len(row.user_agent) == 200
        assert row.created_at is not None
    assert trail(other_org) == []


def test_a_failed_staff_sign_in_for_an_address_that_is_no_login_is_nobodys_to_keep(
    org: Organisation,
) -> None:
    assert staff_sign_in(Client(), "stranger@example.com", "guess") == 200
    assert not ActivityLog.objects.exists()


def test_portal_sign_in_failures_name_only_the_organisations_own_persons(
    active_person: ContactPerson, password: str, org: Organisation, other_org: Organisation
) -> None:
    client = Client()
    portal_login(client, org, active_person.email, "wrong", **BROWSER)
    portal_login(client, org, "nobody@example.com", "my-password-typed-in-the-wrong-box", **BROWSER)
    portal_login(client, org, active_person.email, password, **BROWSER)
    client.post(f"/portal/{org.slug}/logout", **BROWSER)

    failed, unknown, signed_in, signed_out = trail(org, kind="sign_in")
    assert (failed.action, failed.actor_label, failed.contact) == (
        "sign_in_failed",
        active_person.email,
        active_person.contact,
    )
    assert (unknown.action, unknown.actor_label, unknown.detail) == (
        "sign_in_failed",
        "",
        "unknown address",
    )
    assert "nobody@example.com" not in str(vars(unknown))
    assert (signed_in.action, signed_in.actor_kind, signed_in.person) == (
        "signed_in",
        "person",
        active_person,
    )
    assert signed_in.contact == active_person.contact
    assert signed_out.action == "signed_out" and signed_out.person == active_person
    assert trail(other_org) == []


def test_a_lockout_is_kept(active_person: ContactPerson, org: Organisation, settings) -> None:
    settings.AXES_FAILURE_LIMIT = 2
    client = Client()
    for _ in range(3):
        portal_login(client, org, active_person.email, "wrong", **BROWSER)
    assert trail(org, action="locked_out")


def test_staff_password_change_and_second_factor_are_kept_without_the_secrets(
    owner: User, password: str, org: Organisation
) -> None:
    client = Client()
    client.force_login(owner)
    new = "An0ther-long-passphrase!"
    response = client.post(
        reverse("admin:password_change"),
        {"old_password": password, "new_password1": new, "new_password2": new},
        **BROWSER,
    )
    assert response.status_code == 302, response.content[:300]
    owner.refresh_from_db()
    assert owner.check_password(new)
    key = two_factor.new_key()
    two_factor.two_factor_enable(user=owner, key=key)
    two_factor.two_factor_disable(user=owner)

    _signed_in, changed, enabled, disabled = trail(org, kind="sign_in")  # force_login signs in
    assert [changed.action, enabled.action, disabled.action] == [
        "password_changed",
        "two_factor_enabled",
        "two_factor_disabled",
    ]
    assert changed.actor_user == owner and changed.ip_address == "198.51.100.7"
    assert enabled.actor_kind == "system"  # called outside a request: no one is signed in
    for row in (changed, enabled, disabled):
        assert new not in str(vars(row)) and key not in str(vars(row))


# --- portal access, API keys, webhook endpoints ----------------------------------------------


def test_portal_access_changes_are_kept_per_person(
    customer_a_person: ContactPerson, owner: User, org: Organisation
) -> None:
    with audit.serving(None):
        invitations.portal_access_enable_many(
            persons=ContactPerson.objects.filter(pk=customer_a_person.pk), role="billing"
        )
        invitations.portal_role_set(person=customer_a_person, role="full")
        invitations.portal_role_set(person=customer_a_person, role="full")  # no change
        invitations.portal_access_disable(person=customer_a_person)

    rows = trail(org, kind="access")
    assert [(row.action, row.detail) for row in rows] == [
        ("portal_invited", "role: billing"),
        ("portal_role_changed", "billing → full"),
        ("portal_disabled", ""),
    ]
    assert {row.target_id for row in rows} == {customer_a_person.public_id}
    assert {row.contact_id for row in rows} == {customer_a_person.contact_id}


def test_api_keys_are_kept_by_name_and_prefix_never_the_key(owner: User, org: Organisation) -> None:
    key, secret = api_keys.api_key_create(organisation=org, name="Zapier", created_by=owner)
    api_keys.api_key_revoke(key=key)
    api_keys.api_key_revoke(key=key)  # already revoked: nothing more

    created, revoked = trail(org, kind="api")
    assert (created.action, created.actor_label, created.target_label) == (
        "api_key_created",
        owner.email,
        str(key),
    )
    assert revoked.action == "api_key_revoked"
    assert secret not in str(vars(created)) + str(vars(revoked))


def test_webhook_endpoints_are_kept_without_their_secret_or_the_urls_credentials(
    org: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(webhooks.transport, "check_url", lambda url: None)
    endpoint, secret = webhooks.endpoint_create(
        organisation=org,
        url="https://user:pa55@hooks.example.com/in?token=abc123",
        events=["invoice.sent"],
    )
    webhooks.endpoint_update(
        endpoint=endpoint, url="https://hooks.example.com/v2", events=["invoice.sent", "*"]
    )
    webhooks.endpoint_delete(endpoint=endpoint)

    rows = trail(org, kind="webhook")
    assert [row.action for row in rows] == ["webhook_created", "webhook_changed", "webhook_deleted"]
    assert rows[0].target_label == "https://hooks.example.com/in"
    everything = " ".join(str(vars(row)) for row in rows)
    assert secret not in everything and "pa55" not in everything and "abc123" not in everything


# --- money -----------------------------------------------------------------------------------


def test_every_money_movement_is_kept_with_its_amount(
    customer_a, owner: User, org: Organisation
) -> None:
    invoice = sales.invoice(customer_a, "100.00")
    note = sales.credit_note(customer_a, "30.00")
    payments.credit_apply_available(invoice=invoice)
    payment = payments.payment_record(
        contact=customer_a,
        amount=Decimal("80.00"),
        date=datetime.date(2026, 12, 1),
        mode="bank_transfer",
        allocations=[(invoice, Decimal("70.00"))],
    )

    rows = trail(org, kind="money")
    assert [row.action for row in rows] == ["credit_note", "credit_applied", "payment"]
    assert rows[-1].target_label == payment.number
    assert rows[-1].detail.startswith("-80.00 USD") or rows[-1].detail.startswith("-80.00 ")
    assert {row.contact_id for row in rows} == {customer_a.pk}
    assert rows[0].target_label == note.number
    assert not trail(org, kind="money", action="invoice")


# --- the back-office list and its export -----------------------------------------------------


@pytest.fixture
def rows(org: Organisation, other_org: Organisation, owner: User) -> None:
    audit.record("api_key_created", organisation_id=org.pk, target_label="Ours (pk_a…)")
    audit.record("webhook_created", organisation_id=org.pk, target_label='=HYPERLINK("http://x")')
    audit.record("api_key_created", organisation_id=other_org.pk, target_label="Theirs (pk_b…)")


def test_the_list_shows_the_own_organisations_trail_only_and_filters_by_kind(
    rows: None, owner_client: Client
) -> None:
    page = owner_client.get(LIST).content.decode()
    assert "Ours (pk_a…)" in page and "Theirs (pk_b…)" not in page
    assert "API key created" in page
    filtered = owner_client.get(LIST, {"kind": "webhook"}).content.decode()
    assert "Ours (pk_a…)" not in filtered and "HYPERLINK" in filtered
    assert f'href="{EXPORT}?kind=webhook"' in filtered  # the export carries the filters
    assert owner_client.get(reverse("admin:activity_activitylog_add")).status_code == 403


def test_the_export_streams_the_filtered_rows_as_csv_with_formulas_neutralised(
    rows: None, owner_client: Client
) -> None:
    response = owner_client.get(EXPORT, {"kind": "webhook"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert {"private", "no-store"} <= set(response["Cache-Control"].replace(" ", "").split(","))
    assert response["Content-Disposition"].startswith("attachment;")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *lines = list(csv.reader(io.StringIO(text)))
    assert header[:3] == ["time (UTC)", "kind", "action"]
    assert len(lines) == 1
    assert lines[0][2] == "Webhook endpoint created"
    assert lines[0][7] == '\'=HYPERLINK("http://x")'
    assert owner_client.get(EXPORT, {"created_at__gte": "not a date"}).status_code == 400
    everything = owner_client.get(EXPORT, {"q": "pk_"})
    assert "Theirs" not in b"".join(everything.streaming_content).decode()


@pytest.mark.parametrize("role", [Membership.Role.STAFF, Membership.Role.READ_ONLY])
def test_members_who_do_not_keep_the_settings_see_the_portal_and_money_side_only(
    rows: None, org: Organisation, role: str
) -> None:
    audit.record("portal_enabled", organisation_id=org.pk, target_label="Ada Lovelace")
    client = Client()
    client.force_login(MembershipFactory(organisation=org, role=role).user)
    page = client.get(LIST).content.decode()
    assert "Ada Lovelace" in page
    assert "Ours (pk_a…)" not in page and "HYPERLINK" not in page
    exported = b"".join(client.get(EXPORT).streaming_content).decode()
    assert "Ada Lovelace" in exported and "Ours" not in exported
    row = ActivityLog.objects.get(organisation=org, action="api_key_created")
    url = reverse("admin:activity_activitylog_change", args=[row.pk])
    assert client.get(url).status_code == 404


def test_staff_of_another_organisation_see_none_of_it(
    rows: None, outsider: User, org: Organisation
) -> None:
    client = Client()
    client.force_login(outsider)
    assert "Ours (pk_a…)" not in client.get(LIST).content.decode()
    exported = b"".join(client.get(EXPORT).streaming_content).decode()
    assert "Ours" not in exported and "Theirs (pk_b…)" in exported
    row = ActivityLog.objects.get(organisation=org, action="api_key_created")
    url = reverse("admin:activity_activitylog_change", args=[row.pk])
    assert client.get(url).status_code == 404


# --- through the APIs ------------------------------------------------------------------------


def test_a_payment_through_the_books_api_is_kept_as_the_keys(customer_a, org: Organisation) -> None:
    key, secret = api_keys.api_key_create(organisation=org, name="Integration")
    invoice = sales.invoice(customer_a, "100.00")
    response = Api(secret).post(
        "/books/payments",
        {
            "contact": str(customer_a.public_id),
            "amount": "100.00",
            "date": "2026-12-01",
            "mode": "bank_transfer",
            "allocations": [{"invoice": str(invoice.public_id), "amount": "100.00"}],
        },
        headers={"Idempotency-Key": "pay-1"},
    )
    assert response.status_code == 201, response.content
    (payment,) = trail(org, kind="money")
    assert (payment.action, payment.actor_kind, payment.actor_label) == (
        "payment",
        "api_key",
        str(key),
    )
    assert payment.ip_address == "127.0.0.1"


def test_a_portal_api_token_is_kept_as_its_persons(
    active_person: ContactPerson, password: str, org: Organisation
) -> None:
    token = portal_token(org, active_person, password)
    (created,) = trail(org, kind="api")
    assert (created.action, created.actor_kind, created.person) == (
        "api_token_created",
        "person",
        active_person,
    )
    assert token not in str(vars(created))


# --- the back office's screens go through the services ---------------------------------------


def test_a_role_changed_on_the_persons_screen_is_kept(
    customer_a_person: ContactPerson, owner_client: Client, org: Organisation
) -> None:
    person = customer_a_person
    data = {
        "contact": person.contact_id,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "phone": "",
        "mobile": "",
        "designation": "",
        "language": "",
        "is_primary": "on",
        "receives_documents": "on",
        "portal_role": "projects",
        "portal_password": "",
    }
    url = reverse("admin:contacts_contactperson_change", args=[person.pk])
    response = owner_client.post(url, data, **BROWSER)
    assert response.status_code == 302, response.content.decode()[:2000]
    person.refresh_from_db()
    assert person.portal_role == "projects"
    (changed,) = trail(org, kind="access")
    assert (changed.action, changed.detail, changed.actor_kind) == (
        "portal_role_changed",
        "full → projects",
        "staff",
    )
    assert changed.ip_address == "198.51.100.7"


def test_an_endpoint_changed_or_deleted_on_its_screen_is_kept(
    owner_client: Client, org: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(webhooks.transport, "check_url", lambda url: None)
    endpoint, _secret = webhooks.endpoint_create(
        organisation=org, url="https://hooks.example.com/in", events=["invoice.sent"]
    )
    url = reverse("admin:webhooks_webhookendpoint_change", args=[endpoint.pk])
    data = {"url": "https://hooks.example.com/v2", "description": "", "events": ["invoice.sent"]}
    assert owner_client.post(url, data).status_code == 302
    delete = reverse("admin:webhooks_webhookendpoint_delete", args=[endpoint.pk])
    assert owner_client.post(delete, {"post": "yes"}).status_code == 302

    rows = trail(org, kind="webhook")
    assert [(row.action, row.target_label, row.actor_kind) for row in rows] == [
        ("webhook_created", "https://hooks.example.com/in", "system"),
        ("webhook_changed", "https://hooks.example.com/v2", "staff"),
        ("webhook_deleted", "https://hooks.example.com/v2", "staff"),
    ]


# --- retention -------------------------------------------------------------------------------


@pytest.mark.parametrize("days", [365, 0], ids=["a year", "kept for good"])
def test_sign_in_rows_go_after_the_retention_period_and_the_rest_of_the_trail_stays(
    org: Organisation, settings: object, days: int
) -> None:
    # given a sign-in row and a money row from 400 days ago, and a sign-in row from yesterday
    settings.PORTICO_AUDIT_SIGN_IN_DAYS = days  # type: ignore[attr-defined]
    Kind = ActivityLog.Kind
    old_sign_in, old_money, recent_sign_in = (
        ActivityLog.objects.create(organisation=org, kind=kind, action="signed_in")
        for kind in (Kind.SIGN_IN, Kind.MONEY, Kind.SIGN_IN)
    )
    now = timezone.now()
    for row, age in ((old_sign_in, 400), (old_money, 400), (recent_sign_in, 1)):
        ActivityLog.objects.filter(pk=row.pk).update(created_at=now - datetime.timedelta(age))
    # when the periodic job runs (twice: it is safe to repeat)
    first, second = (
        activity_tasks.sign_in_rows_purge.call(),
        activity_tasks.sign_in_rows_purge.call(),
    )
    # then only the old sign-in row went, unless the rows are kept for good
    kept = {row.pk for row in trail(org)}
    if days:
        assert (first, second) == (1, 0)
        assert kept == {old_money.pk, recent_sign_in.pk}
    else:
        assert (first, second) == (0, 0)
        assert kept == {old_sign_in.pk, old_money.pk, recent_sign_in.pk}
