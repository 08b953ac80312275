"""Abuse limits, from outside: each limited action answers 429 with the plain page once its
allowance is spent, per IP and per person; the counts live where every worker sees them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.cache.backends.filebased import FileBasedCache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from portico.contacts.models import ContactPerson
from portico.core import ratelimit

pytestmark = pytest.mark.django_db


def limit(settings: Any, rule: str, allowed: int) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, rule: (allowed, 3600)}


def assert_limited(response: Any) -> None:
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert "Too many requests" in response.content.decode()


def test_password_reset_requests_stop_sending_mail_after_the_allowance(
    client: Client,
    portal_person: ContactPerson,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given an allowance of two reset mails
    limit(settings, "password-reset", 2)
    url = f"/portal/{portal_person.organisation.slug}/password/forgot"
    # when the form is posted three times for the same address
    with django_capture_on_commit_callbacks(execute=True):
        answers = [client.post(url, {"email": portal_person.email}) for _ in range(3)]
    # then two mails went out and the third request is refused
    assert [a.status_code for a in answers[:2]] == [200, 200]
    assert_limited(answers[2])
    assert len(mail.outbox) == 2


def test_the_password_reset_limit_is_per_address_across_ips(
    portal_person: ContactPerson, settings: Any
) -> None:
    limit(settings, "password-reset", 1)
    url = f"/portal/{portal_person.organisation.slug}/password/forgot"
    assert (
        Client(REMOTE_ADDR="192.0.2.1").post(url, {"email": portal_person.email}).status_code == 200
    )
    assert_limited(Client(REMOTE_ADDR="192.0.2.2").post(url, {"email": portal_person.email}))


@pytest.mark.parametrize(
    ("rule", "method", "path", "data"),
    [
        ("pdf", "get", "documents/invoice/{invoice}/pdf", None),
        ("pdf", "get", "documents/statement/pdf", None),
        ("comment", "post", "invoices/{invoice}/comments", {"body": "Hello"}),
        ("checkout", "post", "pay/", {}),
        ("upload", "post", "documents/invoice/{invoice}/files", "file"),
    ],
)
def test_portal_actions_are_limited_per_person(
    portal_client: Client,
    portal_person: ContactPerson,
    documents: dict[str, Any],
    settings: Any,
    rule: str,
    method: str,
    path: str,
    data: Any,
) -> None:
    limit(settings, rule, 1)
    url = f"/portal/{portal_person.organisation.slug}/" + path.format(
        invoice=documents["invoice"].public_id
    )

    def send() -> Any:
        if data == "file":
            return portal_client.post(url, {"file": SimpleUploadedFile("a.txt", b"text")})
        return getattr(portal_client, method)(url, data or {})

    assert send().status_code != 429
    assert_limited(send())


@pytest.mark.parametrize(
    ("rule", "path"),
    [
        ("invitation", "invitation/{token}"),
        ("link-request", "links/{token}/renew"),
        ("link-request", "d/{token}/renew"),
    ],
)
def test_public_token_pages_are_limited_per_ip(
    portal_person: ContactPerson, settings: Any, rule: str, path: str
) -> None:
    limit(settings, rule, 2)
    url = f"/portal/{portal_person.organisation.slug}/" + path.format(token="x" * 43)
    client = Client(REMOTE_ADDR="198.51.100.9")
    answers = [client.post(url, {}) for _ in range(3)]
    assert all(a.status_code != 429 for a in answers[:2])
    assert_limited(answers[2])
    assert Client(REMOTE_ADDR="198.51.100.10").post(url, {}).status_code != 429


def test_without_redis_the_limits_live_in_a_file_cache_every_worker_shares(
    tmp_path: Path,
) -> None:
    # two workers' own cache objects over the directory the settings name
    from portico import settings as project_settings

    assert project_settings.REDIS_URL or (
        project_settings.CACHES["limits"]["BACKEND"].endswith("FileBasedCache")
    )
    one = FileBasedCache(str(tmp_path), {})
    two = FileBasedCache(str(tmp_path), {})
    one.add("ratelimit:k", 0, timeout=60)
    one.incr("ratelimit:k")
    two.incr("ratelimit:k")
    assert one.get("ratelimit:k") == 2


def test_hit_counts_every_key_and_refuses_when_any_is_spent(settings: Any) -> None:
    limit(settings, "comment", 2)
    assert ratelimit.hit("comment", "ip:a", "user:1")
    assert ratelimit.hit("comment", "ip:b", "user:1")
    assert not ratelimit.hit("comment", "ip:c", "user:1")  # the person is spent
    assert ratelimit.hit("comment", "ip:c", "user:2")
