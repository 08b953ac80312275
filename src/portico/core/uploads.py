"""Files on documents: what may be uploaded, decided by the bytes, not the name.

Allowed: PDF, PNG, JPEG, GIF, plain text, CSV, DOCX and XLSX, up to `MAX_BYTES`. Markup
(HTML, SVG, XML) is refused even when named .txt, and so is anything whose content does not
match its extension (a renamed executable, say). Files are stored under generated names.
"""

from __future__ import annotations

import io
import posixpath
import uuid
import zipfile
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from portico.core.errors import DomainError

MAX_BYTES: int = getattr(settings, "PORTICO_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/gif": (".gif",),
    "text/plain": (".txt",),
    "text/csv": (".csv",),
    DOCX: (".docx",),
    XLSX: (".xlsx",),
}
MARKUP = (b"<!doctype", b"<html", b"<script", b"<svg", b"<?xml", b"<body", b"<iframe", b"<head")


MAX_NAME = 200  # Attachment.name's length


def shorten_name(name: str, limit: int) -> str:
    """`name` cut to `limit` characters keeping its extension (a long name is no reason to
    refuse a file, nor to serve it without its type)."""
    if len(name) <= limit:
        return name
    stem, extension = posixpath.splitext(name)
    if len(extension) >= limit // 2:
        extension = ""
    return stem[: limit - len(extension)] + extension


class AttachmentRefused(DomainError):
    pass


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    content_type: str
    original_name: str
    stored_name: str


def _office_type(content: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(name.startswith("word/") for name in names):
        return DOCX
    if any(name.startswith("xl/") for name in names):
        return XLSX
    return None


def _text_type(content: bytes, extension: str) -> str | None:
    if b"\x00" in content:
        return None
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    head = text[:4096].lower().encode()
    if any(marker in head for marker in MARKUP):
        return None
    return "text/csv" if extension == ".csv" else "text/plain"


def sniff(content: bytes, extension: str) -> str | None:
    """The content type the bytes really are, among the allowed ones; None for anything else."""
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if content.startswith(b"PK\x03\x04"):
        return _office_type(content)
    if extension in (".txt", ".csv"):
        return _text_type(content, extension)
    return None


def check_upload(upload: UploadedFile) -> CheckedFile:
    """Read and vet one uploaded file, or raise `AttachmentRefused` (field "file")."""
    # No control characters: the name goes into headers, emails and the activity log.
    printable = "".join(char for char in (upload.name or "") if char.isprintable())
    original = shorten_name(posixpath.basename(printable.replace("\\", "/")), MAX_NAME) or "file"
    extension = posixpath.splitext(original)[1].lower()
    if upload.size is None or upload.size > MAX_BYTES:
        raise AttachmentRefused(
            _("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)},
            code="file_too_large",
            field="file",
        )
    content = upload.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise AttachmentRefused(
            _("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)},
            code="file_too_large",
            field="file",
        )
    if not content:
        raise AttachmentRefused(_("The file is empty."), code="file_empty", field="file")
    content_type = sniff(content, extension)
    if content_type is None or extension not in EXTENSIONS[content_type]:
        raise AttachmentRefused(
            _(
                "Only PDF, PNG, JPEG, GIF, text, CSV, Word (.docx) and Excel (.xlsx) files "
                "can be attached."
            ),
            code="file_type_refused",
            field="file",
        )
    stored = f"{uuid.uuid4().hex}{EXTENSIONS[content_type][0]}"
    return CheckedFile(content, content_type, original, stored)


def content_type_of(name: str) -> str:
    """The type to serve a stored attachment as, from its generated (vetted) extension."""
    extension = posixpath.splitext(name)[1].lower()
    for content_type, extensions in EXTENSIONS.items():
        if extension in extensions:
            return content_type
    return "application/octet-stream"


def validate_attachment_file(upload: Any) -> None:
    """A form-field validator with the same rules, for upload forms outside this app
    (the sales admin's attachment inline can add it to its `file` field)."""
    from django.core.exceptions import ValidationError

    if not hasattr(upload, "read") or getattr(upload, "_committed", False):
        return  # an already stored file, not a new upload
    try:
        check_upload(upload)
    except AttachmentRefused as error:
        raise ValidationError(error.message, code=error.code) from None
    finally:
        if hasattr(upload, "seek"):
            upload.seek(0)


def image_type(content: bytes) -> str | None:
    """The raster image type the bytes really are (PNG, JPEG, GIF, WebP); None for anything
    else, SVG included (it can carry script)."""
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    found = sniff(content, "")
    return found if found is not None and found.startswith("image/") else None
