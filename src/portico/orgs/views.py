"""Public brand assets: an organisation's logo, for portal pages and emails.

Only a stored name that is some organisation's current logo is served: never the PDF cache,
attachments or any other stored file, whatever the path says. The bytes decide the content
type, and the address carries the stored name, so it may be cached for good.
"""

from __future__ import annotations

import posixpath

from django.contrib.auth.decorators import login_not_required
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from portico.core import uploads
from portico.orgs.models import Organisation

LOGO_PREFIX = "logos/"
MAX_LOGO_BYTES = 5 * 1024 * 1024
CACHE_FOR_GOOD = "public, max-age=31536000, immutable"


@login_not_required
@require_safe
def logo(request: HttpRequest, name: str) -> HttpResponse:
    if (
        not name.startswith(LOGO_PREFIX)
        or posixpath.normpath(name) != name
        or ".." in name.split("/")
        or not Organisation.objects.filter(logo=name).exists()
    ):
        raise Http404("No such logo.")
    try:
        with default_storage.open(name, "rb") as handle:
            content = handle.read(MAX_LOGO_BYTES + 1)
    except (FileNotFoundError, OSError) as missing:
        raise Http404("No such logo.") from missing
    content_type = uploads.image_type(content)
    if content_type is None or len(content) > MAX_LOGO_BYTES:
        raise Http404("No such logo.")
    response = HttpResponse(content, content_type=content_type)
    response["Cache-Control"] = CACHE_FOR_GOOD
    response["Content-Disposition"] = "inline"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response
