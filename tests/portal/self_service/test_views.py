"""The self-service pages through the test client, and the back-office screens for them."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client

from portico.contacts.models import (
    Contact,
    ContactPerson,
    CustomerMessage,
    DetailsChangeItem,
    Review,
)
from portico.orgs.models import PortalPreferences
from tests.portal.self_service.factories import (
    DetailsChangeItemFactory,
    ReviewFactory,
    SelfServiceSettingsFactory,
)

pytestmark = pytest.mark.django_db
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def url(person: ContactPerson, name: str) -> str:
    return f"/portal/{person.organisation.slug}/account/{name}"


def person_values(**changes: str) -> dict[str, str]:
    base = {"first_name": "Ann", "last_name": "Lee", "phone": "", "mobile": "", "designation": ""}
    return base | {"language": ""} | changes


def test_my_details_page_shows_initials_and_a_gravatar_image(
    portal_client: Client, active_person: ContactPerson, settings: Any
) -> None:
    settings.PORTICO_GRAVATAR = True
    page = portal_client.get(url(active_person, "details")).content.decode()
    assert "https://www.gravatar.com/avatar/" in page
    initials = (active_person.first_name[0] + active_person.last_name[0]).upper()
    assert f">{initials}</text>" in page

    settings.PORTICO_GRAVATAR = False
    assert "gravatar" not in portal_client.get(url(active_person, "details")).content.decode()


def test_saving_my_details_redirects_and_bad_phone_is_a_field_error(
    portal_client: Client, active_person: ContactPerson
) -> None:
    response = portal_client.post(url(active_person, "details"), person_values(phone="+1 555"))
    assert response.status_code == 302
    assert ContactPerson.objects.get(pk=active_person.pk).phone == "+1 555"

    response = portal_client.post(url(active_person, "details"), person_values(phone="call me"))
    assert response.status_code == 400
    assert "Use digits, spaces" in response.content.decode()
    assert ContactPerson.objects.get(pk=active_person.pk).phone == "+1 555"


def test_script_in_my_name_is_shown_escaped(
    portal_client: Client, active_person: ContactPerson
) -> None:
    portal_client.post(url(active_person, "details"), person_values(first_name=XSS))
    page = portal_client.get(url(active_person, "details")).content.decode()
    assert XSS not in page
    assert "&lt;script&gt;" in page


def test_the_persons_language_is_used_for_portal_pages(
    portal_client: Client, active_person: ContactPerson, settings: Any
) -> None:
    settings.LANGUAGES = [("en", "English"), ("de", "Deutsch")]
    response = portal_client.post(url(active_person, "details"), person_values(language="de"))
    assert response.status_code == 302

    response = portal_client.get(url(active_person, "details"))
    assert response["Content-Language"] == "de"
    assert '<html lang="de" dir="ltr">' in response.content.decode()


def test_a_new_session_reads_the_persons_language(
    active_person: ContactPerson, password: str, settings: Any
) -> None:
    settings.LANGUAGES = [("en", "English"), ("de", "Deutsch")]
    ContactPerson.objects.filter(pk=active_person.pk).update(language="de")
    client = Client()
    client.post(
        f"/portal/{active_person.organisation.slug}/login",
        {"email": active_person.email, "password": password},
    )
    assert client.get(url(active_person, "details"))["Content-Language"] == "de"


def test_the_login_page_follows_the_browser_language(
    active_person: ContactPerson, settings: Any
) -> None:
    settings.LANGUAGES = [("en", "English"), ("de", "Deutsch")]
    response = Client().get(
        f"/portal/{active_person.organisation.slug}/login", HTTP_ACCEPT_LANGUAGE="de"
    )
    assert response["Content-Language"] == "de"


def test_the_email_change_link_asks_then_confirms(
    portal_client: Client,
    active_person: ContactPerson,
    password: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = portal_client.post(
            url(active_person, "email"),
            {"new_email": "fresh@example.com", "current_password": password},
        )
    assert response.status_code == 302
    link = next(m for m in mail.outbox if m.to == ["fresh@example.com"]).body
    path = "/portal/" + link.split("/portal/")[1].split()[0]

    # a GET (a mail scanner) changes nothing
    assert Client().get(path).status_code == 200
    assert ContactPerson.objects.get(pk=active_person.pk).email != "fresh@example.com"

    response = Client().post(path)
    assert response.status_code == 200
    assert ContactPerson.objects.get(pk=active_person.pk).email == "fresh@example.com"
    assert Client().post(path).status_code == 410


def test_a_made_up_confirmation_link_is_404(active_person: ContactPerson) -> None:
    response = Client().get(url(active_person, "email/confirm/" + "x" * 43))
    assert response.status_code == 404


def test_a_wrong_password_is_a_field_error(
    portal_client: Client, active_person: ContactPerson
) -> None:
    response = portal_client.post(
        url(active_person, "email"), {"new_email": "fresh@example.com", "current_password": "no"}
    )
    assert response.status_code == 400
    assert "current password is not right" in response.content.decode()


def company_values(contact: Contact, **changes: str) -> dict[str, str]:
    from portico.activity.self_service import COMPANY_FIELDS

    return {f: str(getattr(contact, f) or "") for f in COMPANY_FIELDS} | changes


def test_company_changes_under_review_are_listed_as_waiting(
    portal_client: Client, active_person: ContactPerson
) -> None:
    SelfServiceSettingsFactory(organisation=active_person.organisation)

    response = portal_client.post(
        url(active_person, "company"), company_values(active_person.contact, company_name=XSS)
    )

    assert response.status_code == 302
    page = portal_client.get(url(active_person, "company")).content.decode()
    assert "Waiting for Studio A to review" in page
    assert XSS not in page and "&lt;script&gt;" in page
    assert Contact.objects.get(pk=active_person.contact_id).company_name != XSS


def test_an_unknown_country_is_a_field_error(
    portal_client: Client, active_person: ContactPerson
) -> None:
    response = portal_client.post(
        url(active_person, "company"), company_values(active_person.contact, billing_country="ZZ")
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_the_company_page_lists_only_this_customers_persons(
    portal_client: Client, active_person: ContactPerson, customer_b_person: ContactPerson
) -> None:
    page = portal_client.get(url(active_person, "company")).content.decode()
    assert active_person.email in page
    assert customer_b_person.email not in page


def test_the_contact_form_mails_the_business_and_stops_at_ten_an_hour_naming_the_address(
    portal_client: Client, active_person: ContactPerson, django_capture_on_commit_callbacks: Any
) -> None:
    # given a person who sends ten messages in an hour (the `message` rule's default)
    message = {"subject": "Hi", "body": "Hello"}
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(10):
            response = portal_client.post(url(active_person, "contact"), message)
            assert response.status_code == 302
    assert any(m.reply_to == [active_person.email] for m in mail.outbox)
    # when they send an eleventh
    response = portal_client.post(url(active_person, "contact"), message)
    # then the form says so kindly, with the business's address, and nothing is sent
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    page = response.content.decode()
    assert "sent many messages in the last hour" in page
    assert active_person.organisation.primary_email in page
    assert CustomerMessage.objects.count() == 10


def test_a_line_break_in_the_subject_is_a_field_error(
    portal_client: Client, active_person: ContactPerson
) -> None:
    response = portal_client.post(
        url(active_person, "contact"), {"subject": "Hi\r\nBcc: a@example.com", "body": "x"}
    )
    assert response.status_code == 400
    assert "Use a single line here." in response.content.decode()
    assert not CustomerMessage.objects.exists()


def test_the_review_page_is_404_when_reviews_are_off(
    portal_client: Client, active_person: ContactPerson
) -> None:
    assert portal_client.get(url(active_person, "review")).status_code == 200
    PortalPreferences.objects.update_or_create(
        organisation=active_person.organisation, defaults={"allow_reviews": False}
    )
    assert portal_client.get(url(active_person, "review")).status_code == 404


def test_a_review_is_saved_and_shown_for_editing(
    portal_client: Client, active_person: ContactPerson
) -> None:
    response = portal_client.post(url(active_person, "review"), {"rating": "4", "text": XSS})
    assert response.status_code == 302
    page = portal_client.get(url(active_person, "review")).content.decode()
    assert "Update my review" in page and "&lt;script&gt;" in page and XSS not in page
    assert Review.objects.get().rating == 4


# --- back office ------------------------------------------------------------------------------


def test_staff_see_client_reviews_on_the_customer_page_escaped(
    owner_client: Client, customer_a_person: ContactPerson
) -> None:
    ReviewFactory(person=customer_a_person, text=XSS)
    page = owner_client.get(
        f"/admin/contacts/contact/{customer_a_person.contact_id}/change/"
    ).content.decode()
    assert "Client reviews" in page
    assert "&lt;script&gt;" in page and XSS not in page
    assert owner_client.get("/admin/contacts/review/").status_code == 200


def test_staff_approve_a_queued_change_from_the_queue(
    owner_client: Client, customer_a_person: ContactPerson
) -> None:
    item = DetailsChangeItemFactory(person=customer_a_person, new_value="+44 20 7946")
    response = owner_client.post(
        "/admin/contacts/detailschangeitem/",
        {"action": "approve", "_selected_action": [item.pk]},
    )
    assert response.status_code == 302
    assert Contact.objects.get(pk=customer_a_person.contact_id).phone == "+44 20 7946"
    item.refresh_from_db()
    assert item.status == DetailsChangeItem.Status.APPROVED


def test_another_organisations_staff_cannot_approve(
    outsider: Any, customer_a_person: ContactPerson, password: str
) -> None:
    client = Client()
    client.force_login(outsider)
    item = DetailsChangeItemFactory(person=customer_a_person)
    client.post(
        "/admin/contacts/detailschangeitem/", {"action": "approve", "_selected_action": [item.pk]}
    )
    item.refresh_from_db()
    assert item.status == DetailsChangeItem.Status.PENDING


@pytest.mark.parametrize("name", ["details", "company", "contact", "review"])
def test_each_page_costs_a_fixed_small_number_of_queries(
    portal_client: Client,
    active_person: ContactPerson,
    name: str,
    django_assert_max_num_queries: Any,
) -> None:
    # given a customer with many persons and many waiting changes
    for _ in range(5):
        DetailsChangeItemFactory(person=active_person)
    portal_client.get(url(active_person, name))  # the session's first-visit writes

    with django_assert_max_num_queries(8):
        assert portal_client.get(url(active_person, name)).status_code == 200


def test_the_account_page_links_to_the_self_service_pages(
    portal_client: Client, active_person: ContactPerson
) -> None:
    page = portal_client.get(f"/portal/{active_person.organisation.slug}/account").content.decode()
    for name in ("details", "company", "contact", "review"):
        assert f'href="{url(active_person, name)}"' in page
