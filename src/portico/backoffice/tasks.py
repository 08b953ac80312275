"""The back office's periodic job: previewed import files nobody confirmed are deleted."""

from __future__ import annotations

import datetime

from django_tasks import task

from portico.backoffice import exports

KEEP_IMPORT_FILES = datetime.timedelta(days=1)


@task()
def sweep_import_files() -> int:
    return exports.import_files_remove_stale(older_than=KEEP_IMPORT_FILES)


def import_files_sweep_enqueue(day: datetime.date) -> None:
    """The periodic job (see `portico.core.scheduled`)."""
    sweep_import_files.enqueue()
