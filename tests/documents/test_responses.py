"""Download names and headers."""

from __future__ import annotations

import pytest

from portico.documents import responses


@pytest.mark.parametrize(
    ("number", "ascii_name"),
    [
        ("INV-000001", "INV-000001.pdf"),
        ('INV"; filename="evil.html', "INV_filename_evil.html.pdf"),
        ("INV-1\r\nSet-Cookie: a=b", "INV-1_Set-Cookie_a_b.pdf"),
        ("../../etc/passwd", "etc_passwd.pdf"),
        ("Rechnung-Ä-ß-日本", "Rechnung-A--.pdf"),
        ("", "document.pdf"),
        ("....", "document.pdf"),
    ],
)
def test_file_names_are_safe_ascii(number: str, ascii_name: str) -> None:
    assert responses.safe_filename(number, ".pdf") == ascii_name


def test_unicode_names_travel_in_rfc_5987_form() -> None:
    header = responses.content_disposition("Facture-été-№5", ".pdf")
    assert header.startswith('attachment; filename="Facture-ete-No5.pdf"')
    assert "filename*=UTF-8''Facture-%C3%A9t%C3%A9-%E2%84%965.pdf" in header


def test_hostile_names_never_break_the_header() -> None:
    header = responses.content_disposition('a"\r\n../b\\c;%00\u202e.pdf', ".pdf")
    assert "\r" not in header and "\n" not in header
    assert header.count('"') == 2
    assert "/" not in header.split("filename*=")[0].split("filename=")[1]
    assert ".." not in header


def test_a_pdf_response_is_a_private_unsniffed_attachment() -> None:
    response = responses.pdf_response(b"%PDF-1.7", name="INV-7")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="INV-7.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Length"] == "8"
