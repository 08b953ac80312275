"""Portico's settings plus the benchmark's own URLs (a minimal logged-in page to compare with).

Without DATABASE_URL the benchmark uses its own SQLite file, with the same options as Portico's
default database (WAL, immediate transactions).
"""

import os
from pathlib import Path

from portico.settings import *  # noqa: F403
from portico.settings import DATABASES, VAR_DIR

ROOT_URLCONF = "bench.urls"
# DEBUG is off in the benchmark: hashed static files from the benchmark's own collectstatic.
# Hashed names without the compressed copies: pages only need the manifest, and compressing
# every vendor file would add minutes to each run.
STATIC_ROOT = Path(VAR_DIR) / "bench" / "static"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}

if DATABASES["default"]["ENGINE"].endswith("sqlite3") and not os.environ.get("DATABASE_URL"):
    DATABASES["default"]["NAME"] = os.environ.get(
        "BENCH_SQLITE", str(Path(VAR_DIR) / "bench" / "bench.sqlite3")
    )

# The benchmark measures pages, not abuse limits: one person asks for the same PDF many times.
RATE_LIMITS = {rule: (10**9, window) for rule, (_allowed, window) in RATE_LIMITS.items()}  # noqa: F405
