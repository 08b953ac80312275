"""The brand view serves an organisation's current logo, publicly and cached, and nothing else."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from portico.activity import invitations
from portico.contacts.models import ContactPerson
from portico.orgs.models import Organisation

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def logo(org: Organisation) -> str:
    org.logo.save("studio.png", ContentFile(PNG), save=True)
    return org.logo_url


def test_the_logo_is_served_to_anyone_with_long_cache_headers(logo: str) -> None:
    response = Client().get(logo)
    assert response.status_code == 200
    assert response.content == PNG
    assert response["Content-Type"] == "image/png"
    assert "max-age=31536000" in response["Cache-Control"]
    assert "immutable" in response["Cache-Control"]
    assert logo.startswith("/brand/logos/")


def test_the_content_type_comes_from_the_bytes(org: Organisation) -> None:
    # a JPEG stored with a .png name is served as what it is
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 40
    org.logo.save("wrong-name.png", ContentFile(jpeg), save=True)
    assert Client().get(org.logo_url)["Content-Type"] == "image/jpeg"


def test_markup_stored_as_a_logo_is_not_served(org: Organisation) -> None:
    org.logo.save("evil.png", ContentFile(b"<svg onload=alert(1)></svg>"), save=True)
    assert Client().get(org.logo_url).status_code == 404


def test_an_old_logo_is_no_longer_served(org: Organisation, logo: str) -> None:
    org.logo.save("new.png", ContentFile(PNG), save=True)
    assert Client().get(logo).status_code == 404
    assert Client().get(org.logo_url).status_code == 200


@pytest.mark.parametrize(
    "name",
    [
        "pdf-cache/invoice.pdf",
        "attachments/secret.png",
        "logos/../attachments/secret.png",
        "logos/./studio.png",
        "logos/never-stored.png",
    ],
)
def test_nothing_but_a_current_logo_is_served(org: Organisation, name: str) -> None:
    default_storage.save("attachments/secret.png", ContentFile(PNG))
    default_storage.save("pdf-cache/invoice.pdf", ContentFile(b"%PDF-1.7"))
    response = Client().get(reverse("brand_logo", kwargs={"name": name}))
    assert response.status_code == 404


def test_only_reads_are_allowed(logo: str) -> None:
    assert Client().post(logo).status_code == 405


def test_it_works_with_another_storage_backend(org: Organisation, settings: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    org.logo.save("memory.png", ContentFile(PNG), save=True)
    response = Client().get(org.logo_url)
    assert response.status_code == 200 and response.content == PNG


def test_the_portal_and_its_emails_show_the_logo_through_the_brand_view(
    org: Organisation,
    logo: str,
    customer_a_person: ContactPerson,
    django_capture_on_commit_callbacks: Any,
) -> None:
    login_page = Client().get(f"/portal/{org.slug}/login").content.decode()
    assert f'src="{logo}"' in login_page

    with django_capture_on_commit_callbacks(execute=True):
        invitations.portal_access_enable(person=customer_a_person, send_invite=True)

    html = mail.outbox[-1].alternatives[0][0]  # type: ignore[attr-defined]
    assert f'src="http://127.0.0.1:8000{logo}"' in html
