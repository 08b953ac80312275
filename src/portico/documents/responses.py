"""File downloads: always an attachment, never cached, never sniffed, with a safe name."""

from __future__ import annotations

import posixpath
import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import add_never_cache_headers

from portico.core.uploads import content_type_of

UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
# Anything that could end a header, a quoted string or a path in any client.
UNSAFE_UNICODE = re.compile(r"[\x00-\x1f\x7f\"'\\/:*?<>|;%]+")
MAX_NAME = 120

Response = TypeVar("Response", bound=HttpResponseBase)
Download = TypeVar("Download", HttpResponse, StreamingHttpResponse)


def _tidy(name: str, pattern: re.Pattern[str], suffix: str) -> str:
    stem = name[: -len(suffix)] if suffix and name.lower().endswith(suffix) else name
    stem = pattern.sub("_", stem).strip("._ ")
    stem = re.sub(r"\.{2,}", ".", stem)[:MAX_NAME].strip("._ ")
    return f"{stem or 'document'}{suffix}"


def never_cached(view: Callable[..., Response]) -> Callable[..., Response]:
    """Like `never_cache`, but a download keeps its own stricter `private, no-store`."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Response:
        response = view(request, *args, **kwargs)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response

    return wrapper


def safe_filename(name: str, suffix: str = "") -> str:
    """An ASCII name safe in any header and any file system: letters, digits, . _ -"""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return _tidy(ascii_name, UNSAFE, suffix.lower())


def content_disposition(name: str, suffix: str = "") -> str:
    """`attachment` with an ASCII `filename` and, for other scripts, an RFC 5987 `filename*`."""
    fallback = safe_filename(name, suffix)
    unicode_name = _tidy(unicodedata.normalize("NFC", name), UNSAFE_UNICODE, suffix.lower())
    unicode_name = unicode_name.replace(" ", "_")
    header = f'attachment; filename="{fallback}"'
    if unicode_name != fallback:
        header += f"; filename*=UTF-8''{quote(unicode_name, safe='')}"
    return header


def _as_download(response: Download, name: str, suffix: str) -> Download:
    response["Content-Disposition"] = content_disposition(name, suffix)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    # A downloaded file is never a page of ours, even if a browser were to render it.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def download_response(
    content: bytes, *, name: str, content_type: str, suffix: str = ""
) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Length"] = str(len(content))
    return _as_download(response, name, suffix)


def streaming_download_response(
    chunks: Iterable[bytes | str], *, name: str, content_type: str, suffix: str = ""
) -> StreamingHttpResponse:
    """A download made while it is sent (an export of any length), with the same headers."""
    return _as_download(StreamingHttpResponse(chunks, content_type=content_type), name, suffix)


def attachment_response(attachment: Any) -> HttpResponse:
    """A stored attachment, as a download under its original (sanitised) name, typed and
    suffixed by its stored, vetted extension, never by the editable name
    ("a.html" stored as text downloads as "a.html.txt")."""
    stored = str(attachment.file.name)
    with attachment.file.open("rb") as handle:
        content = handle.read()
    return download_response(
        content,
        name=attachment.name or "attachment",
        content_type=content_type_of(stored),
        suffix=posixpath.splitext(stored)[1],
    )


def pdf_response(content: bytes, *, name: str) -> HttpResponse:
    return download_response(content, name=name, content_type="application/pdf", suffix=".pdf")
