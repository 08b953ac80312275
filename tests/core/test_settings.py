"""Settings come from the environment; a wrong or missing one stops start-up by name."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
