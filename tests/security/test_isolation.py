"""Typed text shown beside other words is isolated (`<bdi>` in HTML, FSI … PDI in plain text)
and shown without its invisible controls: a customer named "Acme‮gpj.exe" (stored before such
names were refused) cannot disguise itself, or the sentence around it, to staff, in mails or PDFs.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from portico.activity import services
from portico.activity.models import ActivityLog, Comment, Notification
from portico.contacts.models import Contact, ContactPerson
from portico.core import text
from portico.documents import context as document_context
from portico.documents import rendering
from portico.documents.kinds import kind_of
from portico.orgs.models import Organisation
from portico.sales import services as sales_services
from portico.sales.models import Estimate
from tests.contacts.factories import ContactPersonFactory
from tests.portal.self_service import factories as ss
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db

RLO, LRI, FSI, PDI = "\u202e", "\u2066", "\u2068", "\u2069"
DISGUISED = f"Acme{RLO}gpj.exe"


@pytest.fixture
def disguised(customer_a: Contact) -> Contact:
    # written as older data would be, past the forms that refuse it now
    Contact.objects.filter(pk=customer_a.pk).update(display_name=DISGUISED)
    customer_a.refresh_from_db()
    return customer_a


def test_the_helpers_isolate_and_drop_the_controls() -> None:
    assert text.bdi(DISGUISED) == "<bdi>Acmegpj.exe</bdi>"
    assert text.bdi("<b>") == "<bdi>&lt;b&gt;</bdi>"
    assert text.isolate(DISGUISED) == "\u2068Acmegpj.exe\u2069"
    assert (
        text.fill("%(customer)s paid.", {"customer": DISGUISED}) == "\u2068Acmegpj.exe\u2069 paid."
    )


def test_a_filled_sentence_keeps_its_parts_and_nothing_else() -> None:
    # given a sentence with typed parts, one holding an isolate of its own, made by fill
    filled = text.fill(
        "%(customer)s paid %(amount)s (%(invoices)s).",
        {"customer": f"{FSI}<Ann>{RLO}"},
        words={"amount": "$5.00", "invoices": text.listing(["INV-1", f"INV{PDI}-2"])},
    )
    assert filled == f"{FSI}<Ann>{PDI} paid $5.00 ({FSI}INV-1{PDI}, {FSI}INV-2{PDI})."
    # then shown, each part is kept once: between isolates in text, in <bdi> in HTML, escaped
    assert text.sentence(filled) == filled
    assert text.sentence_bdi(filled) == (
        "<bdi>&lt;Ann&gt;</bdi> paid $5.00 (<bdi>INV-1</bdi>, <bdi>INV-2</bdi>)."
    )
    # and an isolate around a part (twice isolated), a stray one or any other control is dropped
    assert text.sentence(f"{FSI}a {FSI}b{PDI}{PDI} {PDI}c{RLO}{FSI}") == f"a {FSI}b{PDI} c"
    assert text.sentence_bdi(f"{LRI}a{PDI} {FSI}b{PDI}") == "a <bdi>b</bdi>"
    # and a sentence cut inside a part keeps that part closed
    assert text.cut(filled, 10) == f"{FSI}<Ann>{PDI} pa"
    assert text.cut(filled, 4) == f"{FSI}<A{PDI}"


def test_staff_see_the_customers_name_isolated_in_the_lists(
    owner_client: Client, disguised: Contact
) -> None:
    # when staff open the customers and the invoices
    sales.invoice(disguised)
    pages = [
        owner_client.get("/admin/contacts/contact/").content.decode(),
        owner_client.get("/admin/sales/invoice/").content.decode(),
    ]
    # then the name is shown in <bdi>, without the override
    for page in pages:
        assert "<bdi>Acmegpj.exe</bdi>" in page
        assert RLO not in page


def test_a_change_page_heads_with_the_name_isolated(
    owner_client: Client, disguised: Contact
) -> None:
    # when staff open the customer's own page
    page = owner_client.get(f"/admin/contacts/contact/{disguised.pk}/change/").content.decode()
    # then its heading and its browser tab name it isolated, without the override
    assert "<bdi>Acmegpj.exe</bdi>" in page
    assert "\u2068Acmegpj.exe\u2069" in page
    # (the field that edits it shows it as stored; saving drops the override)
    assert RLO not in page.replace(f'value="{DISGUISED}"', "")


def test_staff_see_a_customers_message_isolated_on_its_page(
    owner_client: Client, org: Organisation
) -> None:
    message = ss.CustomerMessageFactory(
        person__contact__organisation=org, subject=f"Refund{RLO}fdp.exe"
    )
    page = owner_client.get(f"/admin/contacts/customermessage/{message.pk}/change/")
    assert page.status_code == 200
    # the subject's field (the page's title still names the row as stored)
    assert "<bdi>Refundfdp.exe</bdi>" in page.content.decode()


def test_staff_see_a_customers_comment_isolated_in_the_list(
    owner_client: Client, org: Organisation, disguised: Contact
) -> None:
    invoice = sales.invoice(disguised)
    Comment.objects.create(
        organisation=org, contact=disguised, invoice=invoice, body=f"Paid{RLO}fdp.exe"
    )
    page = owner_client.get("/admin/activity/comment/").content.decode()
    assert "<bdi>Paidfdp.exe</bdi>" in page
    assert RLO not in page


def test_a_colleagues_name_and_file_on_a_comment_in_the_portal_are_isolated(
    portal_client: Client, org: Organisation, customer_a: Contact
) -> None:
    # given a colleague at the same customer whose name was typed with an override
    colleague = ContactPersonFactory(
        organisation=org, contact=customer_a, first_name=f"Bob{RLO}", last_name="Smith"
    )
    invoice = sales.invoice(customer_a)
    Comment.objects.create(
        organisation=org,
        contact=customer_a,
        invoice=invoice,
        author_person=colleague,
        body="Ok.",
        show_in_portal=True,
    )
    # when another person of the customer reads the invoice in the portal
    page = portal_client.get(f"/portal/{org.slug}/invoices/{invoice.public_id}").content.decode()
    # then the name stands apart from the words around it, without its control
    assert "<bdi>Bob Smith</bdi>" in page
    assert RLO not in page


def outside_the_isolates(sentence: str) -> str:
    """What a sentence says with its typed parts (balanced FSI … PDI pairs) taken out."""
    return re.sub(f"{FSI}[^{FSI}{PDI}]*{PDI}", "", sentence)


def as_html(sentence: str) -> str:
    return sentence.replace(FSI, "<bdi>").replace(PDI, "</bdi>")


def decline_in_the_portal(
    client: Client, org: Organisation, contact: Contact, reason: str, capture: Any
) -> Estimate:
    estimate = sales_services.estimate_send(estimate=sales.estimate(contact, "300.00"))
    with capture(execute=True):
        response = client.post(
            f"/portal/{org.slug}/estimates/{estimate.public_id}/decline", {"reason": reason}
        )
    assert response.status_code == 302
    return estimate


def test_a_notification_isolates_each_typed_part_in_the_list_the_mail_and_its_subject(
    portal_client: Client,
    owner_client: Client,
    org: Organisation,
    disguised: Contact,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a customer named with a right-to-left override
    # when they decline an estimate in the portal, with an isolate (LRI) in their reason
    estimate = decline_in_the_portal(
        portal_client, org, disguised, f"Too{LRI} dear", django_capture_on_commit_callbacks
    )
    # then each typed part (name, the business's number, the reason) is isolated on its own,
    # without its controls, and the sentence's own words stay outside the isolates, in order
    said = (
        f"{FSI}Acmegpj.exe{PDI} declined estimate {FSI}{estimate.number}{PDI}: {FSI}Too dear{PDI}"
    )
    assert Notification.objects.get().text == said
    assert outside_the_isolates(said) == " declined estimate : "
    (sent,) = [m for m in mail.outbox if m.to == [org.primary_email]]
    html = str(sent.alternatives[0].content)
    assert sent.subject == f"[\u2068Studio A\u2069] {said}"
    assert said in sent.body
    assert as_html(said) in html
    # in the back office's list, on the notification's own page and on the dashboard alike
    notification = Notification.objects.get()
    for page in (
        "/admin/activity/notification/",
        f"/admin/activity/notification/{notification.pk}/change/",
        "/admin/",
    ):
        assert as_html(said) in owner_client.get(page).content.decode()
    # and its own page's heading keeps each part in its <bdi>, its browser tab between isolates
    own = owner_client.get(f"/admin/activity/notification/{notification.pk}/change/")
    assert f"<bdi>{as_html(said)}</bdi>" in own.content.decode()
    assert f"{FSI}{said}{PDI}" in own.content.decode()
    # and no control a customer typed reaches staff
    for shown in (sent.subject, sent.body, html):
        assert RLO not in shown and LRI not in shown


def test_the_activity_log_isolates_each_typed_part_in_the_list_and_on_the_rows_page(
    portal_client: Client,
    owner_client: Client,
    disguised: Contact,
    portal_person: ContactPerson,
) -> None:
    # given a customer named with a right-to-left override, whose person is Ann Lee
    ContactPerson.objects.filter(pk=portal_person.pk).update(first_name="Ann", last_name="Lee")
    # when they change their details in the portal, typing an override and an isolate
    response = portal_client.post(
        f"/portal/{disguised.organisation.slug}/account/details",
        {"first_name": f"Zed{RLO}x", "last_name": "Lee", "designation": f"Boss{LRI}"}
        | {"phone": "", "mobile": "", "language": ""},
    )
    assert response.status_code == 302
    # then the log's detail names each typed part (names, old and new values) between isolates,
    # the sentence's own words outside them
    said = (
        f"{FSI}Acmegpj.exe{PDI} ({FSI}Zedx Lee{PDI}) updated their details: "
        f"First name: {FSI}Ann{PDI} → {FSI}Zedx{PDI}; Designation: — → {FSI}Boss{PDI}"
    )
    logged = ActivityLog.objects.get(action="details_updated")
    assert logged.detail == said
    # and staff read each part in its own <bdi>, in the list and on the row's page
    rows_page = f"/admin/activity/activitylog/{logged.pk}/change/"
    for page in ("/admin/activity/activitylog/", rows_page):
        shown = owner_client.get(page).content.decode()
        assert f"<bdi>{as_html(said)}</bdi>" in shown
        assert RLO not in shown and LRI not in shown


def test_an_activitys_page_heads_with_its_document_isolated_and_its_reason_part_by_part(
    portal_client: Client,
    owner_client: Client,
    org: Organisation,
    disguised: Contact,
    django_capture_on_commit_callbacks: Any,
) -> None:
    estimate = decline_in_the_portal(
        portal_client, org, disguised, f"Too{RLO} dear", django_capture_on_commit_callbacks
    )
    logged = ActivityLog.objects.get(action="estimate_declined")
    assert logged.detail == f"{FSI}Too dear{PDI}"
    page = owner_client.get(f"/admin/activity/activitylog/{logged.pk}/change/").content.decode()
    assert f"<bdi>Estimate_declined <bdi>estimate {estimate.number}</bdi></bdi>" in page
    assert f"{FSI}estimate_declined {FSI}estimate {estimate.number}{PDI}{PDI}" in page
    assert "<bdi><bdi>Too dear</bdi></bdi>" in page
    # and the customer's page in the back office lists it the same way
    overview = owner_client.get(f"/admin/contacts/contact/{disguised.pk}/change/").content.decode()
    assert f"<bdi>estimate {estimate.number}</bdi>" in overview
    assert "(<bdi><bdi>Too dear</bdi></bdi>)" in overview
    assert RLO not in page


def test_an_unbalanced_isolate_typed_by_a_customer_cannot_swallow_the_sentence(
    portal_client: Client,
    owner_client: Client,
    org: Organisation,
    customer_a: Contact,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a customer whose name opens an isolate it never closes (older data)
    Contact.objects.filter(pk=customer_a.pk).update(display_name=f"Acme{FSI}")
    # when they decline with a reason that closes one it never opened
    estimate = decline_in_the_portal(
        portal_client, org, customer_a, f"{PDI}no{PDI}", django_capture_on_commit_callbacks
    )
    # then every isolate closes where its typed part ends: the words after the name are not in it
    said = f"{FSI}Acme{PDI} declined estimate {FSI}{estimate.number}{PDI}: {FSI}no{PDI}"
    assert Notification.objects.get().text == said
    (sent,) = [m for m in mail.outbox if m.to == [org.primary_email]]
    assert said in sent.body and sent.subject.endswith(said)
    assert as_html(said) in str(sent.alternatives[0].content)
    assert as_html(said) in owner_client.get("/admin/activity/notification/").content.decode()


def test_an_older_notification_with_a_stray_isolate_is_shown_without_it(
    owner_client: Client, org: Organisation, customer_a: Contact
) -> None:
    # given a notification stored before its parts were isolated, holding a customer's FSI
    services.notification_create(
        organisation=org,
        kind=Notification.Kind.AUTOPAY_OFF,
        event_key="autopay_off:older",
        text=f"Acme{FSI} turned off autopay for {RLO}Hosting.",
        contact=customer_a,
    )
    # then staff read it without the controls: the isolate cannot swallow the words after it
    page = owner_client.get("/admin/activity/notification/").content.decode()
    assert "Acme turned off autopay for Hosting." in page
    assert FSI not in page and RLO not in page


def test_a_long_reason_is_cut_inside_its_isolate_which_stays_closed(
    portal_client: Client,
    org: Organisation,
    customer_a: Contact,
    django_capture_on_commit_callbacks: Any,
) -> None:
    decline_in_the_portal(
        portal_client, org, customer_a, "x" * 1500, django_capture_on_commit_callbacks
    )
    stored = Notification.objects.get().text
    assert len(stored) == 500 and stored.endswith(f"xx{PDI}")
    assert text.sentence(stored) == stored


def test_the_documents_pdf_html_isolates_the_customers_name(disguised: Contact) -> None:
    invoice = sales.invoice(disguised)
    kind = kind_of(invoice)
    html = rendering.render_html(kind.template, document_context.document_context(invoice, kind))
    assert "<bdi>Acmegpj.exe</bdi>" in html
    assert RLO not in html
