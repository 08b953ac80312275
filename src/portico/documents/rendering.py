"""HTML → PDF with WeasyPrint, safely.

- The URL fetcher serves only this project's `documents/` static files and the organisation's
  own stored logo. Anything else (http(s), file://, data:, another organisation's logo) is
  refused and logged, so user text can never make the renderer reach the network or the disk.
- User text reaches templates escaped (Django's autoescape), so markup in notes or addresses
  is printed as text, never parsed.
- Renders are bounded: a semaphore limits concurrent renders per process, and documents above
  `MAX_ROWS` rows are refused with a clear error before any layout work starts.
"""

from __future__ import annotations

import logging
import posixpath
import threading
import time
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from weasyprint import CSS, HTML, URLFetcher
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcherResponse

from portico.core.errors import DomainError
from portico.core.timezones import zone_of
from portico.orgs.models import Organisation

logger = logging.getLogger(__name__)
# WeasyPrint narrates every step at INFO; one line per render from here is enough.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

STATIC_PREFIX = "documents/"
# Measured: WeasyPrint lays out a table row in ~5 ms per cell on this machine, so rows cost
# more than pages; 600 rows (~20 pages) keeps the worst render within a worker timeout.
MAX_ROWS: int = getattr(settings, "PORTICO_PDF_MAX_ROWS", 600)
CONCURRENCY: int = getattr(settings, "PORTICO_PDF_CONCURRENCY", 2)
WAIT_SECONDS: float = getattr(settings, "PORTICO_PDF_WAIT_SECONDS", 20.0)
# Subsetting fonts costs most of a small PDF's render time; whole fonts make bigger files.
# Whole fonts instead of subsets: measured slower with WeasyPrint 70 here (bigger files to
# write), so subsetting stays on unless a deployment measures otherwise.
FULL_FONTS: bool = getattr(settings, "PORTICO_PDF_FULL_FONTS", False)
IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
}
STATIC_TYPES = {
    ".css": "text/css",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
}

_slots = threading.BoundedSemaphore(CONCURRENCY)
_local = threading.local()


class RenderError(DomainError):
    pass


class FetchRefused(Exception):
    """A resource outside the allowlist; WeasyPrint skips it and the render goes on."""


def base_url() -> str:
    return f"{settings.SITE_URL}/"


class SafeFetcher(URLFetcher):
    """Serves the project's documents/ static files and one organisation's logo; nothing else."""

    def __init__(self, organisation: Organisation | None) -> None:
        super().__init__(timeout=1, allowed_protocols=("http", "https"), allow_redirects=False)
        self.organisation = organisation
        self.served: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        found = self._static(url) or self._logo(url)
        if found is None:
            self.refused.append(url)
            logger.warning("PDF render refused to fetch %r", url[:300])
            raise FetchRefused(url)
        body, content_type = found
        self.served.append(url)
        return URLFetcherResponse(url, body, {"Content-Type": content_type})

    def _static(self, url: str) -> tuple[bytes, str] | None:
        parts = urlsplit(url)
        site = urlsplit(base_url())
        if (parts.scheme, parts.netloc) != (site.scheme, site.netloc) or parts.query:
            return None
        path = unquote(parts.path)
        if not path.startswith(settings.STATIC_URL):
            return None
        relative = path.removeprefix(settings.STATIC_URL)
        normal = posixpath.normpath(relative)
        extension = posixpath.splitext(normal)[1].lower()
        if normal != relative or not normal.startswith(STATIC_PREFIX) or ".." in normal.split("/"):
            return None
        if extension not in STATIC_TYPES:
            return None
        located = finders.find(normal)
        if not located or isinstance(located, list):
            return None
        with open(located, "rb") as handle:
            return handle.read(), STATIC_TYPES[extension]

    def _logo(self, url: str) -> tuple[bytes, str] | None:
        logo = self.organisation.logo if self.organisation is not None else None
        if not logo:
            return None
        if self.organisation is None or url != urljoin(base_url(), self.organisation.logo_url):
            return None
        name = str(logo.name or "")
        extension = posixpath.splitext(name)[1].lower()
        if extension not in IMAGE_TYPES or extension == ".svg":
            return None
        with logo.storage.open(name, "rb") as handle:
            return handle.read(), IMAGE_TYPES[extension]


def check_size(rows: int, limit: int | None = None) -> None:
    """Refuse before rendering when a document has more rows than a PDF should hold (`limit`,
    else `MAX_ROWS`: a render in the background may hold more than one inside a request)."""
    limit = MAX_ROWS if limit is None else limit
    if rows > limit:
        raise RenderError(
            _(
                "This document has %(rows)s lines; a PDF holds at most %(max)s. "
                "Choose a shorter period or split the document."
            )
            % {"rows": rows, "max": limit},
            code="document_too_long",
        )


def render_html(template: str, context: dict[str, Any]) -> str:
    """The document as HTML in the reader's language, its moments in the organisation's time
    zone (used for both print view and PDF)."""
    organisation = context.get("organisation")
    zone = (
        zone_of(organisation.timezone)
        if organisation is not None
        else timezone.get_current_timezone()
    )
    with translation.override(context.get("language") or "en"), timezone.override(zone):
        return render_to_string(template, context)


def _stylesheet() -> CSS:
    """The documents stylesheet, parsed once per thread (parsing costs more than layout)."""
    sheet = getattr(_local, "stylesheet", None)
    if sheet is None:
        located = finders.find(f"{STATIC_PREFIX}document.css")
        sheet = CSS(filename=str(located), font_config=_font_config())
        _local.stylesheet = sheet
    return sheet


def _font_config() -> FontConfiguration:
    config = getattr(_local, "font_config", None)
    if config is None:
        config = _local.font_config = FontConfiguration()
    return config


def _brand_css(colour: str) -> CSS:
    safe = colour if len(colour) == 7 and colour.startswith("#") and colour[1:].isalnum() else ""
    return CSS(string=f":root {{ --portal-brand: {safe or '#2563eb'}; }}")


def render_pdf(
    *,
    html: str,
    organisation: Organisation,
    brand_colour: str = "",
    fetcher: SafeFetcher | None = None,
    wait: float | None = None,
) -> bytes:
    """Lay out `html` and return the PDF bytes (bounded by the render slots: waits `wait`
    seconds for one, else `WAIT_SECONDS`, then refuses with `render_busy`)."""
    fetcher = fetcher or SafeFetcher(organisation)
    if not _slots.acquire(timeout=WAIT_SECONDS if wait is None else wait):
        raise RenderError(
            _("Too many documents are being prepared right now. Please try again in a minute."),
            code="render_busy",
        )
    started = time.perf_counter()
    try:
        document = HTML(string=html, base_url=base_url(), url_fetcher=fetcher)
        sheets = [_stylesheet()] + ([_brand_css(brand_colour)] if brand_colour else [])
        pdf = document.write_pdf(
            stylesheets=sheets, full_fonts=FULL_FONTS, font_config=_font_config()
        )
    finally:
        _slots.release()
    logger.info(
        "PDF rendered in %.0f ms (%d bytes)",
        (time.perf_counter() - started) * 1000,
        len(pdf or b""),
    )
    return bytes(pdf or b"")
