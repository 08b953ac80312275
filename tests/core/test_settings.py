"""Settings come from the environment; a wrong or missing one stops start-up by name."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 20 + "-production-secret-for-the-deploy-check-0123456789",
    "ALLOWED_HOSTS": "portico.example.com",
    "SITE_URL": "https://portico.example.com",
    "FIELD_ENCRYPTION_KEYS": "cG9ydGljby1kZXBsb3ktY2hlY2stZmllbGQta2V5LTA=",
}


def run_portico(
    *args: str, env: dict[str, str], tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    # The browser tests allow the ORM beside Playwright's loop; a deployment never does.
    dropped = {"DATABASE_URL", "DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    clean.update({"PORTICO_VAR_DIR": str(tmp_path), **env})
    return subprocess.run(
        [sys.executable, "-m", "portico", *args],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    result = run_portico(
        "check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION, tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_while_the_sandbox_gateway_is_on(tmp_path: Path) -> None:
    result = run_portico(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={**PRODUCTION, "SANDBOX_GATEWAY": "on"},
        tmp_path=tmp_path,
    )
    assert result.returncode != 0
    assert "portico.W001" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DEBUG": "false", "ALLOWED_HOSTS": "x.example"}, "SECRET_KEY"),
        ({"DEBUG": "false", "SECRET_KEY": "short"}, "SECRET_KEY"),
        ({**PRODUCTION, "ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({**PRODUCTION, "FIELD_ENCRYPTION_KEYS": ""}, "FIELD_ENCRYPTION_KEYS"),
        ({**PRODUCTION, "FIELD_ENCRYPTION_KEYS": "not-a-fernet-key"}, "FIELD_ENCRYPTION_KEYS"),
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"TASKS_BACKEND": "carrier-pigeon"}, "TASKS_BACKEND"),
        ({"DATABASE_URL": "nosuchdb://x"}, "DATABASE_URL"),
        ({"SITE_URL": "ftp://x"}, "SITE_URL"),
        ({"MEDIA_STORAGE": "floppy"}, "MEDIA_STORAGE"),
        ({"SESSION_IDLE_SECONDS": "soon"}, "SESSION_IDLE_SECONDS"),
    ],
)
def test_a_bad_setting_stops_start_up_naming_the_variable(
    env: dict[str, str], named: str, tmp_path: Path
) -> None:
    result = run_portico("check", env=env, tmp_path=tmp_path)
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert "ImproperlyConfigured" in last_line
    assert named in last_line


def test_the_default_database_is_sqlite_in_wal_mode(tmp_path: Path) -> None:
    code = (
        "import django; django.setup();"
        "from django.db import connection;"
        "c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])"
    )
    clean = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={
            **clean,
            "PORTICO_VAR_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "portico.settings",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.strip() == "wal", result.stderr


SCALED_OUT = {
    **PRODUCTION,
    "DATABASE_URL": "postgres://portico:secret@db.internal:5432/portico",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "TASKS_BACKEND": "rq",
    "MEDIA_STORAGE": "s3",
    "S3_BUCKET": "portico-media",
    "S3_ENDPOINT_URL": "https://s3.example.net",
    "S3_REGION": "eu-west-1",
    "S3_ACCESS_KEY_ID": "AKIAEXAMPLE",
    "S3_SECRET_ACCESS_KEY": "example-secret",
    "TRUSTED_PROXIES": "1",
}
S3 = {"MEDIA_STORAGE": "s3", "S3_BUCKET": "b"}
PG = {"DATABASE_URL": "postgres://p@db/x"}


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"TASKS_BACKEND": "rq"}, "REDIS_URL"),
        ({"REDIS_URL": "http://cache:6379"}, "REDIS_URL"),
        ({"MEDIA_STORAGE": "s3"}, "S3_BUCKET"),
        (
            {"MEDIA_STORAGE": "s3", "S3_BUCKET": "b", "S3_ENDPOINT_URL": "minio:9000"},
            "S3_ENDPOINT_URL",
        ),
        (
            {"MEDIA_STORAGE": "s3", "S3_BUCKET": "b", "S3_ACCESS_KEY_ID": "k"},
            "S3_SECRET_ACCESS_KEY",
        ),
        ({"TRUSTED_PROXIES": "-1"}, "TRUSTED_PROXIES"),
        ({"TRUSTED_PROXIES": "nginx"}, "TRUSTED_PROXIES"),
        ({"TASKS_LEASE_SECONDS": "soon"}, "TASKS_LEASE_SECONDS"),
        ({"TASKS_BACKOFF_PERCENT": "fast"}, "TASKS_BACKOFF_PERCENT"),
        (
            {"DATABASE_URL": "postgres://p@db/x", "DB_STATEMENT_TIMEOUT_MS": "1s"},
            "DB_STATEMENT_TIMEOUT_MS",
        ),
        (
            {"DATABASE_URL": "postgres://p@db/x", "DB_CONN_HEALTH_CHECKS": "maybe"},
            "DB_CONN_HEALTH_CHECKS",
        ),
        (
            {"DATABASE_URL": "postgres://p@db/x", "DB_PREPARED_STATEMENTS": "sometimes"},
            "DB_PREPARED_STATEMENTS",
        ),
        (
            {"DATABASE_URL": "postgres://p@db/x", "DB_PLAN_CACHE_MODE": "always"},
            "DB_PLAN_CACHE_MODE",
        ),
    ],
)
def test_a_bad_scale_out_setting_stops_start_up_naming_the_variable(
    env: dict[str, str], named: str, tmp_path: Path
) -> None:
    result = run_portico("check", env=env, tmp_path=tmp_path)
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert "ImproperlyConfigured" in last_line
    assert named in last_line


def settings_as_seen(env: dict[str, str], tmp_path: Path) -> dict[str, object]:
    code = (
        "import json; from django.conf import settings as s; import django; django.setup();"
        "print(json.dumps({"
        "'db': s.DATABASES['default'], 'caches': s.CACHES, 'session': s.SESSION_ENGINE,"
        "'tasks': s.TASKS, 'apps': s.INSTALLED_APPS, 'rq': getattr(s, 'RQ_QUEUES', None),"
        "'media': s.STORAGES['default'], 'img': s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'],"
        "'proxies': s.TRUSTED_PROXIES, 'axes_ip': s.AXES_CLIENT_IP_CALLABLE,"
        "'axes_handler': s.AXES_HANDLER, 'exempt': s.SECURE_REDIRECT_EXEMPT}, default=str))"
    )
    dropped = {"DATABASE_URL", "DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={
            **clean,
            **env,
            "PORTICO_VAR_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "portico.settings",
        },
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    import json

    return dict(json.loads(result.stdout))


def test_the_embedded_default_needs_no_engine(tmp_path: Path) -> None:
    seen = settings_as_seen({}, tmp_path)
    assert seen["db"]["ENGINE"] == "portico.core.sqlite3"  # type: ignore[index]
    assert seen["caches"]["default"]["BACKEND"].endswith("LocMemCache")  # type: ignore[index]
    assert seen["session"] == "portico.accounts.sessions"
    assert seen["tasks"]["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"  # type: ignore[index]
    assert seen["media"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"  # type: ignore[index]
    assert seen["proxies"] == 0


def test_a_sqlite_address_runs_on_portico_sqlite_backend(tmp_path: Path) -> None:
    seen = settings_as_seen({"DATABASE_URL": f"sqlite:///{tmp_path}/other.sqlite3"}, tmp_path)
    assert seen["db"]["ENGINE"] == "portico.core.sqlite3"  # type: ignore[index]
    assert seen["db"]["NAME"] == f"{tmp_path}/other.sqlite3"  # type: ignore[index]


def test_scaled_out_settings_reach_every_engine(tmp_path: Path) -> None:
    seen: Any = settings_as_seen(SCALED_OUT, tmp_path)
    db = seen["db"]
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert db["CONN_HEALTH_CHECKS"] is True
    assert "statement_timeout=30000" in db["OPTIONS"]["options"]
    assert "lock_timeout=10000" in db["OPTIONS"]["options"]
    assert db["OPTIONS"]["server_side_binding"] is True  # prepared statements
    assert db["OPTIONS"]["prepare_threshold"] == 2
    assert "plan_cache_mode=auto" in db["OPTIONS"]["options"]
    assert seen["caches"]["default"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache.internal:6379/0",
        "KEY_PREFIX": "portico",
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
    assert seen["session"] == "portico.accounts.sessions"
    assert seen["tasks"]["default"]["BACKEND"] == "django_tasks_rq.RQBackend"
    assert "django_rq" in seen["apps"]
    assert seen["rq"]["default"]["URL"] == "redis://cache.internal:6379/0"
    options = seen["media"]["OPTIONS"]
    assert seen["media"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert (options["bucket_name"], options["endpoint_url"], options["region_name"]) == (
        "portico-media",
        "https://s3.example.net",
        "eu-west-1",
    )
    assert (options["access_key"], options["secret_key"]) == ("AKIAEXAMPLE", "example-secret")
    assert "https://s3.example.net" in seen["img"]
    assert seen["proxies"] == 1
    assert seen["axes_ip"] == "portico.core.client_ip.client_ip"
    assert seen["axes_handler"] == "axes.handlers.database.AxesDatabaseHandler"
    assert seen["exempt"] == ["^healthz$", "^readyz$"]


def test_check_deploy_is_clean_scaled_out(tmp_path: Path) -> None:
    result = run_portico(
        "check", "--deploy", "--fail-level", "WARNING", env=SCALED_OUT, tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
