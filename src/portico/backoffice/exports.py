"""CSV and XLSX out of the back office, and imports with a preview, for any admin screen.

An admin screen gets export with `ExportAdminMixin` (or import too with
`ImportExportAdminMixin`) and names its resource from `portico.backoffice.resources`; the
organisation, the role and the file formats are decided here, once.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import tablib
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from import_export.admin import ExportMixin, ImportMixin
from import_export.formats.base_formats import CSV, XLSX
from unfold.contrib.import_export.forms import ExportForm, ImportForm

from portico.backoffice.scoping import organisation_of
from portico.core.spreadsheets import neutralise
from portico.documents import responses
from portico.statements.selectors import Statement

FORMATS = [CSV, XLSX]
SESSION_IMPORT_FILES = "backoffice_import_files"


def _membership(request: HttpRequest) -> Any:
    return getattr(request, "membership", None)


class ExportAdminMixin(ExportMixin):
    """Export the list as it is filtered, in the organisation, by any member."""

    export_formats = FORMATS
    export_form_class = ExportForm

    def get_resource_kwargs(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        return {**kwargs, "organisation": organisation_of(request)}

    def has_export_permission(self, request: HttpRequest) -> bool:
        return _membership(request) is not None and self.has_view_permission(request)

    def get_export_filename(self, request: HttpRequest, queryset: Any, file_format: Any) -> str:
        organisation = organisation_of(request)
        name = slugify(
            f"{organisation.slug if organisation else ''} {self.opts.verbose_name_plural}"
        )
        return f"{name}-{datetime.date.today():%Y-%m-%d}.{file_format.get_extension()}"


class ImportExportAdminMixin(ImportMixin, ExportAdminMixin):
    """Import a file with a preview: every row is checked first (a dry run in a transaction),
    a file with any bad row imports nothing and lists each one; only a clean preview offers
    the confirmation."""

    import_formats = FORMATS
    import_form_class = ImportForm
    # Both buttons on the list (ImportMixin alone would offer only "Import").
    import_export_change_list_template = "admin/import_export/change_list_import_export.html"

    def has_import_permission(self, request: HttpRequest) -> bool:
        return (
            _membership(request) is not None
            and self.has_add_permission(request)
            and self.has_change_permission(request)
        )

    def import_action(self, request: HttpRequest, **kwargs: Any) -> Any:
        response = super().import_action(request, **kwargs)
        confirm = (getattr(response, "context_data", None) or {}).get("confirm_form")
        if confirm is not None:
            # The confirmation may only name a file this session uploaded and previewed.
            names = request.session.get(SESSION_IMPORT_FILES, [])[-9:]
            request.session[SESSION_IMPORT_FILES] = [*names, confirm.initial["import_file_name"]]
        return response

    def process_import(self, request: HttpRequest, **kwargs: Any) -> Any:
        name = str(request.POST.get("import_file_name", ""))
        if name not in request.session.get(SESSION_IMPORT_FILES, []):
            raise PermissionDenied
        return super().process_import(request, **kwargs)


# --- a customer's statement ------------------------------------------------------------------


STATEMENT_FORMATS = {"csv": CSV, "xlsx": XLSX}


class _Line:
    """What `csv.writer` writes to: each row comes back as a string to stream."""

    def write(self, value: str) -> str:
        return value


def csv_stream(
    name: str, headers: Sequence[Any], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    """A CSV download written row by row as it is sent (any number of rows, little memory),
    text cells that look like formulas neutralised; UTF-8 with a BOM for spreadsheets."""
    writer = csv.writer(_Line())

    def lines() -> Iterator[str]:
        yield "\ufeff" + writer.writerow([str(header) for header in headers])
        for row in rows:
            yield writer.writerow([neutralise(cell) for cell in row])

    stem, _dot, suffix = name.rpartition(".")
    return responses.streaming_download_response(
        lines(), name=stem, content_type="text/csv; charset=utf-8", suffix=f".{suffix}"
    )


def statement_dataset(statement: Statement) -> tablib.Dataset:
    """The statement's lines between an opening and a closing row; amounts stay numbers."""
    headers = [_("date"), _("kind"), _("reference"), _("description"), _("amount"), _("balance")]
    data = tablib.Dataset(headers=[str(h) for h in headers])
    data.append([statement.start, "", "", _("Opening balance"), None, statement.opening_balance])
    for line in statement.lines:
        data.append(
            [
                line.date,
                neutralise(str(line.kind_label)),
                neutralise(line.reference),
                neutralise(line.description),
                line.amount,
                line.balance,
            ]
        )
    data.append([statement.end, "", "", _("Closing balance"), None, statement.closing_balance])
    return data


def statement_response(statement: Statement, *, file_format: str) -> HttpResponse:
    fmt = STATEMENT_FORMATS[file_format]()
    data = statement_dataset(statement)
    content = fmt.export_data(data)
    name = slugify(f"statement {statement.contact.display_name}")
    return responses.download_response(
        content if isinstance(content, bytes) else content.encode(),
        name=f"{name}-{statement.start:%Y-%m-%d}-{statement.end:%Y-%m-%d}",
        content_type=fmt.get_content_type(),
        suffix=f".{fmt.get_extension()}",
    )


# --- files waiting between preview and confirmation ------------------------------------------

IMPORT_FOLDER = "django-import-export"  # MediaStorage's folder


def import_files_remove_stale(*, older_than: datetime.timedelta) -> int:
    """Delete uploaded import files whose preview was never confirmed (a confirmed import
    deletes its own); they hold customers' data and have no other use."""
    storage = default_storage
    try:
        _dirs, names = storage.listdir(IMPORT_FOLDER)
    except FileNotFoundError:
        return 0
    cutoff = timezone.now() - older_than
    removed = 0
    for name in names:
        path = f"{IMPORT_FOLDER}/{name}"
        if storage.get_modified_time(path) < cutoff:
            storage.delete(path)
            removed += 1
    return removed
