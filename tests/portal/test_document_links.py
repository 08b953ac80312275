"""Personal document links: hashed, expiring, revoked with the document or the person's access,
logged, rate-limited, and a session that reaches one document and nothing else."""

from __future__ import annotations

import datetime
import hashlib
import re
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portico.activity import invitations
from portico.activity.models import ActivityLog
from portico.contacts import document_links
from portico.contacts.models import Contact, ContactPerson, DocumentLink
from portico.documents import links
from portico.orgs.models import Organisation
from portico.orgs.selectors import preferences_of
from portico.sales import services as sales
from portico.sales.models import Invoice
from tests.gateways.factories import GatewayAccountFactory
from tests.portal.conftest import enable_with_password, portal_login
from tests.sales import factories as make
from tests.tenancy.test_portal_urls import FOREIGN_IDS, World, portal_patterns

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


def path_of(url: str) -> str:
    found = re.search(r"https?://[^/]+(/\S+)", url)
    assert found
    return found.group(1)


@pytest.fixture(autouse=True)
def _takes_card_payments(org: Organisation) -> None:
    GatewayAccountFactory(organisation=org)


@pytest.fixture
def invoice(customer_a: Contact) -> Invoice:
    return make.invoice(customer_a, "250.00")


def link_to(person: ContactPerson, document: Any) -> str:
    return path_of(links.personal_link_url(person=person, document=document))


def test_only_the_hash_of_the_secret_is_stored(
    customer_a_person: ContactPerson, invoice: Invoice
) -> None:
    path = link_to(customer_a_person, invoice)
    secret = path.rsplit("/", 1)[1]
    link = DocumentLink.objects.get()
    assert link.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {str(v) for v in DocumentLink.objects.values().get().values()}
    assert len(secret) >= 40
    assert link.document_id == invoice.public_id and link.document_kind == "invoice"


def test_a_person_without_portal_access_opens_the_document_and_can_pay_it(
    customer_a_person: ContactPerson, invoice: Invoice
) -> None:
    assert customer_a_person.portal_status == ContactPerson.PortalStatus.NOT_ENABLED
    client = Client()
    opened = client.get(link_to(customer_a_person, invoice))
    detail = f"/portal/studio-a/invoices/{invoice.public_id}"
    assert opened.status_code == 302 and opened["Location"] == detail
    page = client.get(detail)
    assert page.status_code == 200
    body = page.content.decode()
    assert invoice.number in body and 'id="pay-now"' in body
    assert "Sign in to see all your documents" not in body  # no portal access to sign in to
    pay = client.get(f"/portal/studio-a/pay/?invoice={invoice.public_id}")
    assert pay.status_code == 200 and invoice.number in pay.content.decode()
    pdf = client.get(f"/portal/studio-a/documents/invoice/{invoice.public_id}/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_a_person_with_portal_access_is_offered_to_sign_in(
    customer_a_person: ContactPerson, invoice: Invoice, password: str
) -> None:
    enable_with_password(customer_a_person, password)
    client = Client()
    client.get(link_to(customer_a_person, invoice))
    page = client.get(f"/portal/studio-a/invoices/{invoice.public_id}")
    assert "Sign in to see all your documents" in page.content.decode()


def test_a_logged_in_person_of_the_customer_goes_straight_to_the_page(
    customer_a_person: ContactPerson, invoice: Invoice, password: str, org: Organisation
) -> None:
    enable_with_password(customer_a_person, password)
    client = Client()
    portal_login(client, org, customer_a_person.email, password)
    opened = client.get(link_to(customer_a_person, invoice))
    assert opened["Location"] == f"/portal/studio-a/invoices/{invoice.public_id}"
    # with the full portal, not a narrowed scope
    assert client.get("/portal/studio-a/invoices").status_code == 200


def test_the_portal_page_of_the_email_asks_a_logged_out_person_to_log_in_then_opens_it(
    customer_a_person: ContactPerson, invoice: Invoice, password: str, org: Organisation
) -> None:
    enable_with_password(customer_a_person, password)
    client = Client()
    page = links.portal_document_path(org.slug, "invoice", invoice.public_id)
    asked = client.get(page)
    assert asked.status_code == 302 and asked["Location"].startswith("/portal/studio-a/login?")
    login = client.post(
        asked["Location"],
        {"email": customer_a_person.email, "password": password, "next": page},
    )
    assert login.status_code == 302 and login["Location"] == page


def test_every_use_is_logged_with_the_ip(
    customer_a_person: ContactPerson, invoice: Invoice
) -> None:
    path = link_to(customer_a_person, invoice)
    Client(REMOTE_ADDR="203.0.113.9").get(path)
    Client(REMOTE_ADDR="198.51.100.4").get(path)
    logs = ActivityLog.objects.filter(action="document_link_opened").order_by("id")
    assert [log.ip_address for log in logs] == ["203.0.113.9", "198.51.100.4"]
    assert all(log.person == customer_a_person for log in logs)
    assert all(log.target_id == invoice.public_id for log in logs)
    assert DocumentLink.objects.get().use_count == 2


def test_an_unknown_link_is_a_404(org: Organisation) -> None:
    response = Client().get("/portal/studio-a/d/" + "x" * 43)
    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()


def test_a_link_expires_after_the_organisations_days_and_offers_a_fresh_one(
    org: Organisation,
    customer_a_person: ContactPerson,
    invoice: Invoice,
    django_capture_on_commit_callbacks: Any,
) -> None:
    preferences = preferences_of(org)
    preferences.document_link_days = 7
    preferences.save()
    path = link_to(customer_a_person, invoice)
    link = DocumentLink.objects.get()
    assert abs(link.expires_at - (timezone.now() + datetime.timedelta(days=7))) < (
        datetime.timedelta(minutes=1)
    )
    DocumentLink.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    client = Client()
    expired = client.get(path)
    assert expired.status_code == 410
    assert "Email me a new link" in expired.content.decode()
    # when the visitor asks for a fresh one, it goes to the address the old one went to
    with django_capture_on_commit_callbacks(execute=True):
        renewed = client.post(f"{path}/renew")
    assert renewed.status_code == 200
    [message] = mail.outbox
    assert message.to == [customer_a_person.email]
    fresh = path_of(re.search(r"https?://\S+/d/\S+", message.body).group(0))  # type: ignore[union-attr]
    assert client.get(fresh).status_code == 302
    # and asking again and again is rate-limited: at most three a link an hour
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            client.post(f"{path}/renew")
    assert len(mail.outbox) == 3


def test_voiding_the_document_revokes_its_links(
    customer_a_person: ContactPerson, invoice: Invoice
) -> None:
    path = link_to(customer_a_person, invoice)
    client = Client()
    assert client.get(path).status_code == 302
    sales.invoice_void(invoice=invoice)
    assert DocumentLink.objects.get().revoked_at is not None
    assert client.get(path).status_code == 410
    # and the session it opened stops working at once
    assert client.get(f"/portal/studio-a/invoices/{invoice.public_id}").status_code == 302


def test_disabling_the_persons_portal_access_revokes_their_links(
    customer_a_person: ContactPerson, invoice: Invoice, password: str
) -> None:
    enable_with_password(customer_a_person, password)
    path = link_to(customer_a_person, invoice)
    client = Client()
    client.get(path)
    invitations.portal_access_disable(person=customer_a_person)
    assert DocumentLink.objects.get().revoked_at is not None
    assert client.get(path).status_code == 410
    assert client.get(f"/portal/studio-a/invoices/{invoice.public_id}").status_code == 302


def test_opening_links_is_rate_limited_per_ip(
    customer_a_person: ContactPerson, invoice: Invoice, settings: Any
) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "document-link": (3, 600)}
    client = Client(REMOTE_ADDR="203.0.113.7")
    codes = [client.get("/portal/studio-a/d/" + "y" * 43).status_code for _ in range(4)]
    assert codes == [404, 404, 404, 429]
    # the limit is per address: another visitor still gets in
    assert (
        Client(REMOTE_ADDR="203.0.113.8").get(link_to(customer_a_person, invoice)).status_code
        == 302
    )


def test_a_link_of_another_organisation_is_a_404(
    other_org_person: ContactPerson, other_org_customer: Contact
) -> None:
    theirs = make.invoice(other_org_customer)
    secret = link_to(other_org_person, theirs).rsplit("/", 1)[1]
    assert Client().get(f"/portal/studio-a/d/{secret}").status_code == 404


def test_someone_logged_in_as_another_customer_is_not_mixed_with_the_link(
    customer_a_person: ContactPerson,
    customer_b_person: ContactPerson,
    invoice: Invoice,
    password: str,
    org: Organisation,
) -> None:
    enable_with_password(customer_b_person, password)
    client = Client()
    portal_login(client, org, customer_b_person.email, password)
    assert client.get(link_to(customer_a_person, invoice)).status_code == 403
    assert client.get(f"/portal/studio-a/invoices/{invoice.public_id}").status_code == 404


# --- the link's session reaches its one document and nothing else --------------------------


@pytest.fixture
def world(
    org: Organisation,
    customer_a_person: ContactPerson,
    customer_b_person: ContactPerson,
    other_org_person: ContactPerson,
    password: str,
) -> World:
    for person in (customer_a_person, customer_b_person, other_org_person):
        enable_with_password(person, password)
        person.refresh_from_db()
    return World(org, customer_a_person, customer_b_person, other_org_person)


# Public pages that carry an emailed secret: they answer for the secret, not for a session.
PUBLIC_TOKEN_PAGES = {
    "invitation_accept",
    "password_reset",
    "link_renew",
    "document_link",
    "document_link_renew",
}


def url_names_without_objects() -> list[str]:
    from django.urls import URLPattern, URLResolver, get_resolver

    found: list[str] = []

    def walk(patterns: list[Any], namespace: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, entry.namespace or namespace)
            elif (
                isinstance(entry, URLPattern)
                and namespace == "portal"
                and entry.name
                and not [k for k in entry.pattern.converters if k != "org_slug"]
            ):
                found.append(entry.name)

    walk(get_resolver().url_patterns, "")
    return found


# Pages anyone may open (login and the like) and the link's own allowed pages (the payment and
# its choice of invoices, which a link session's narrowed scope limits to the link's invoice).
NOT_SCOPED = {
    "login",
    "two_factor_verify",
    "logout",
    "language",  # the switcher: a cookie, and the person's language only for a logged-in user
    "choose",
    "brand_css",
    "password_forgot",
    "two_factor_setup",
    "checkout",
    "checkout_choose",
}


@pytest.mark.parametrize(
    "name,keywords", [p for p in portal_patterns() if p[0] not in PUBLIC_TOKEN_PAGES]
)
def test_with_a_link_session_every_other_portal_url_with_ids_answers_404(
    name: str, keywords: list[str], world: World
) -> None:
    # given a link to one invoice, opened without logging in
    invoice = make.invoice(world.own.contact)
    client = Client()
    assert client.get(link_to(world.own, invoice)).status_code == 302
    # when the visitor tries the same customer's other objects
    values = {k: FOREIGN_IDS[k].other_org(world, world.own) for k in keywords}
    url = reverse(f"portal:{name}", kwargs={"org_slug": world.org.slug, **values})
    answers = {client.get(url).status_code, client.post(url).status_code}
    # then every answer is a 404 (or a wrong method)
    assert answers <= {404, 405} and 404 in answers, (name, answers)
    # and the link's own document still opens
    assert client.get(f"/portal/studio-a/invoices/{invoice.public_id}").status_code == 200


@pytest.mark.parametrize("name", [n for n in url_names_without_objects() if n not in NOT_SCOPED])
def test_with_a_link_session_the_portals_sections_answer_404(name: str, world: World) -> None:
    invoice = make.invoice(world.own.contact)
    client = Client()
    client.get(link_to(world.own, invoice))
    url = reverse(f"portal:{name}", kwargs={"org_slug": world.org.slug})
    answers = {client.get(url).status_code, client.post(url).status_code}
    assert answers <= {404, 405} and 404 in answers, (name, answers)


def test_with_a_link_session_the_payment_page_offers_only_the_links_invoice(
    world: World,
) -> None:
    mine = make.invoice(world.own.contact, "70.00")
    other = make.invoice(world.own.contact, "90.00")
    client = Client()
    client.get(link_to(world.own, mine))
    page = client.get(f"/portal/studio-a/pay/?invoice={other.public_id}").content.decode()
    assert mine.number in page and other.number not in page
    assert "Saved cards and bank accounts" not in page


def test_the_link_session_carries_a_scope_limited_to_one_document(
    customer_a_person: ContactPerson, invoice: Invoice
) -> None:
    client = Client()
    client.get(link_to(customer_a_person, invoice))
    response = client.get(f"/portal/studio-a/invoices/{invoice.public_id}")
    scope = response.wsgi_request.portal_scope  # type: ignore[attr-defined]
    assert scope.is_link and scope.document_id == invoice.public_id
    link = document_links.link_get_live(
        organisation=customer_a_person.organisation, link_id=DocumentLink.objects.get().pk
    )
    assert link is not None and link.person == customer_a_person


def test_an_estimate_is_accepted_through_its_link(customer_a_person: ContactPerson) -> None:
    estimate = sales.estimate_send(estimate=make.estimate(customer_a_person.contact))
    client = Client()
    opened = client.get(link_to(customer_a_person, estimate))
    assert opened["Location"] == f"/portal/studio-a/estimates/{estimate.public_id}"
    accepted = client.post(f"{opened['Location']}/accept", {"signed_name": "Ann Customer"})
    assert accepted.status_code == 302
    estimate.refresh_from_db()
    assert estimate.status == "accepted"


def test_a_credit_note_link_opens_its_print_view_only(customer_a_person: ContactPerson) -> None:
    note = make.credit_note(customer_a_person.contact)
    client = Client()
    opened = client.get(link_to(customer_a_person, note))
    assert opened["Location"] == f"/portal/studio-a/documents/credit-note/{note.public_id}/print"
    page = client.get(opened["Location"])
    assert page.status_code == 200 and note.number in page.content.decode()
    assert "/forward" not in page.content.decode()


def test_a_file_shown_on_the_links_document_downloads_and_no_other(
    customer_a_person: ContactPerson, invoice: Invoice
) -> None:
    from django.core.files.base import ContentFile

    from portico.sales.models import Attachment

    def file_on(document: Invoice) -> Attachment:
        attachment = Attachment(
            organisation_id=document.organisation_id, invoice=document, show_in_portal=True
        )
        attachment.file.save("report.csv", ContentFile(b"a,b\n1,2\n"), save=True)
        return attachment

    mine, theirs = file_on(invoice), file_on(make.invoice(invoice.contact))
    client = Client()
    client.get(link_to(customer_a_person, invoice))
    files = "/portal/studio-a/documents/files"
    assert client.get(f"{files}/{mine.public_id}").status_code == 200
    assert client.get(f"{files}/{theirs.public_id}").status_code == 404
