"""Upload allowlist: decided by content, capped in size, stored under generated names."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portico.core import uploads


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def office(kind: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{kind}/document.xml", "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("quote.pdf", b"%PDF-1.7\n...", "application/pdf"),
        ("photo.PNG", b"\x89PNG\r\n\x1a\n" + b"\x00" * 10, "image/png"),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 10, "image/jpeg"),
        ("anim.gif", b"GIF89a" + b"\x00" * 10, "image/gif"),
        ("notes.txt", "Grüße, see attached.\n".encode(), "text/plain"),
        ("rows.csv", b"date,amount\n2026-01-01,10.00\n", "text/csv"),
        ("spec.docx", office("word"), uploads.DOCX),
        ("sheet.xlsx", office("xl"), uploads.XLSX),
    ],
)
def test_allowed_files_pass_with_a_generated_name(
    name: str, content: bytes, content_type: str
) -> None:
    checked = uploads.check_upload(upload(name, content))
    assert checked.content_type == content_type
    assert checked.original_name == name
    assert checked.stored_name != name and len(checked.stored_name) > 32


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("page.html", b"<!doctype html><script>alert(1)</script>"),
        ("page.txt", b"<html><body onload=alert(1)></body></html>"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("logo.png", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'),
        ("invoice.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00PE executable"),
        ("tool.txt", b"\x7fELF\x02\x01\x01\x00\x00\x00"),
        ("photo.png", b"%PDF-1.7 a pdf named as an image"),
        ("archive.zip", office("word")),
        ("macro.docm", office("word")),
        ("empty.txt", b""),
    ],
)
def test_other_files_are_refused(name: str, content: bytes) -> None:
    with pytest.raises(uploads.AttachmentRefused) as refused:
        uploads.check_upload(upload(name, content))
    assert refused.value.field == "file"


def test_an_oversized_file_is_refused_before_it_is_read(settings: object) -> None:
    big = upload("big.pdf", b"%PDF-" + b"0" * (uploads.MAX_BYTES + 1))
    with pytest.raises(uploads.AttachmentRefused) as refused:
        uploads.check_upload(big)
    assert refused.value.code == "file_too_large"


def test_a_path_in_the_original_name_is_dropped() -> None:
    checked = uploads.check_upload(upload("..\\..\\windows\\notes.txt", b"hello"))
    assert checked.original_name == "notes.txt"


def test_the_form_validator_refuses_and_rewinds() -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        uploads.validate_attachment_file(upload("x.html", b"<html></html>"))
    good = upload("ok.txt", b"hello")
    uploads.validate_attachment_file(good)
    assert good.read() == b"hello"
