"""A customer's comment with one file: vetted first, stored with the comment, or nothing at all."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portico.activity import services
from portico.activity.models import ActivityLog, Comment, Notification
from portico.activity.services import Origin
from portico.contacts.models import Contact, ContactPerson
from portico.contacts.scope import PortalScope
from portico.core import uploads
from portico.core.uploads import AttachmentRefused
from portico.orgs.models import Organisation
from portico.sales import services as sales_services
from portico.sales.models import Attachment
from tests.projects.factories import ProjectFactory, TimesheetApprovalFactory
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db
ORIGIN = Origin(ip="203.0.113.7", user_agent="pytest-browser")

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
CSV = b"date,hours\n2026-11-02,2.00\n"

TARGETS: dict[str, Callable[[Contact], Any]] = {
    "estimate": lambda c: sales_services.estimate_send(estimate=sales.estimate(c, "250.00")),
    "invoice": lambda c: sales.invoice(c, "120.00"),
    "retainer invoice": lambda c: sales.invoice(c, "300.00", kind="retainer"),
    "approval": lambda c: TimesheetApprovalFactory(project=ProjectFactory(contact=c)),
}
FILES = [("quote.pdf", PDF), ("photo.png", PNG), ("hours.csv", CSV)]


def refused_files() -> list[tuple[str, bytes]]:
    return [
        ("page.html", b"<!doctype html><script>alert(1)</script>"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("invoice.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00PE executable"),
        ("big.pdf", b"%PDF-" + b"0" * (uploads.MAX_BYTES + 1)),
    ]


@pytest.fixture
def scope(org: Organisation, customer_a: Contact, customer_a_person: ContactPerson) -> PortalScope:
    return PortalScope(org, customer_a, customer_a_person)


@pytest.mark.parametrize("target_name", TARGETS)
@pytest.mark.parametrize(("name", "content"), FILES)
def test_a_comment_with_a_file_makes_one_comment_and_one_attachment_linked_to_both(
    scope: PortalScope, customer_a: Contact, target_name: str, name: str, content: bytes
) -> None:
    # given a document of customer A
    target = TARGETS[target_name](customer_a)

    # when their person comments with a file
    comment = services.comment_add_from_portal(
        scope=scope,
        target=target,
        body="See the attached file.",
        origin=ORIGIN,
        file=SimpleUploadedFile(name, content),
    )

    # then one comment and one attachment, shown in the portal, on the document and the comment
    attachment = Attachment.objects.get()
    assert Comment.objects.get() == comment
    assert attachment.comment == comment
    assert getattr(attachment, services.target_field(target)) == target
    assert attachment.organisation == scope.organisation
    assert attachment.show_in_portal is True
    assert attachment.name == name
    stored = str(attachment.file.name).rsplit("/", 1)[-1]
    assert stored != name and len(stored) > 32
    with attachment.file.open("rb") as handle:
        assert handle.read() == content


def test_the_business_is_told_of_the_file_and_the_log_records_the_upload(
    scope: PortalScope, customer_a: Contact
) -> None:
    approval = TARGETS["approval"](customer_a)

    services.comment_add_from_portal(
        scope=scope,
        target=approval,
        body="Receipts for the travel hours.",
        origin=ORIGIN,
        file=SimpleUploadedFile("receipts.pdf", PDF),
    )

    notification = Notification.objects.get(kind="commented")
    assert "attached \u2068receipts.pdf\u2069." in notification.text
    assert notification.approval == approval
    logged = ActivityLog.objects.get(action="attached_file")
    assert logged.detail == "\u2068receipts.pdf\u2069"  # its typed part isolated
    assert logged.target_id == approval.public_id
    assert logged.ip_address == ORIGIN.ip
    assert ActivityLog.objects.filter(action="commented").count() == 1


@pytest.mark.parametrize(("name", "content"), refused_files())
def test_a_refused_file_leaves_neither_the_comment_nor_the_file(
    scope: PortalScope, customer_a: Contact, name: str, content: bytes, settings: Any
) -> None:
    approval = TARGETS["approval"](customer_a)

    with pytest.raises(AttachmentRefused) as refused:
        services.comment_add_from_portal(
            scope=scope,
            target=approval,
            body="Here it is.",
            origin=ORIGIN,
            file=SimpleUploadedFile(name, content),
        )

    assert refused.value.field == "file"
    assert Comment.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert Notification.objects.count() == 0
    assert ActivityLog.objects.count() == 0
    media = settings.MEDIA_ROOT
    assert not any(path.is_file() for path in media.rglob("*")) if media.exists() else True


def test_a_comment_without_a_file_still_works(scope: PortalScope, customer_a: Contact) -> None:
    invoice = TARGETS["invoice"](customer_a)

    comment = services.comment_add_from_portal(scope=scope, target=invoice, body="Thanks!")

    assert comment.body == "Thanks!"
    assert Attachment.objects.count() == 0
    notification = Notification.objects.get(kind="commented")
    assert "attached" not in notification.text


def test_a_failure_after_the_file_was_stored_removes_the_file(
    scope: PortalScope, customer_a: Contact, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given the activity log fails after the attachment was written
    estimate = TARGETS["estimate"](customer_a)

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("log unavailable")

    monkeypatch.setattr(services, "activity_record", broken)

    # when the person comments with a file
    with pytest.raises(RuntimeError):
        services.comment_add_from_portal(
            scope=scope, target=estimate, body="x", file=SimpleUploadedFile("a.pdf", PDF)
        )

    # then no row and no stored file are left behind
    assert Comment.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert not any(path.is_file() for path in settings.MEDIA_ROOT.rglob("*"))


def test_another_customers_document_is_refused_before_the_file_is_read(
    scope: PortalScope, customer_b: Contact
) -> None:
    theirs = TARGETS["invoice"](customer_b)

    with pytest.raises(services.DomainError) as refused:
        services.comment_add_from_portal(
            scope=scope, target=theirs, body="x", file=SimpleUploadedFile("a.pdf", PDF)
        )

    assert refused.value.code == "foreign_record"
    assert Attachment.objects.count() == 0


def test_control_characters_in_the_file_name_reach_no_email_or_log(
    scope: PortalScope, customer_a: Contact
) -> None:
    invoice = TARGETS["invoice"](customer_a)

    services.comment_add_from_portal(
        scope=scope,
        target=invoice,
        body="x",
        file=SimpleUploadedFile("a\r\nBcc: x@example.com.pdf", PDF),
    )

    assert Attachment.objects.get().name == "aBcc: x@example.com.pdf"
    assert "\n" not in Notification.objects.get().text
