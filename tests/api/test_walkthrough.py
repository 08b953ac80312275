"""docs/api.md's walkthrough, run as written.

The shell blocks of its "Walkthrough against `make demo`" section (the page is the test: no copy
of the commands here) run with `bash -euo pipefail` against what `make demo` starts — migrate,
`portico demo`, the development server and the task worker — on a temporary SQLite database and
loopback ports of this test's own. Then the outcome is checked where it lives: every `# ⇒` answer
of the page was printed, the invoice is paid in the database, the delivery log holds the
successful deliveries, and the receiver's copy of `payment.succeeded` passes the page's own
signature check.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import pytest

import portico

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "api.md"
SECTION = "## Walkthrough against `make demo`"
ANSWER = "# ⇒"
SETUP_SECONDS = 300  # migrate and the demo data: ~30 s alone, more on a busy machine
SCRIPT_SECONDS = 150  # the walkthrough: ~20 s; it waits at most a minute for the webhooks


def section(heading: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index(f"\n{heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL)


def walkthrough() -> str:
    found = blocks(section(SECTION), "sh")
    assert found, f"no sh blocks under {SECTION!r} in {DOC}"
    return "\n".join(found)


def answers(script: str) -> list[str]:
    """The page's `# ⇒ …` lines, in order: what the commands above them print."""
    return [
        line.strip().removeprefix(ANSWER).strip()
        for line in script.splitlines()
        if line.strip().startswith(ANSWER)
    ]


def matches(expected: str, printed: str) -> bool:
    """`…` in an answer stands for the part that differs each run (a key, a secret)."""
    pattern = ".+".join(re.escape(part) for part in expected.split("…"))
    return re.fullmatch(pattern, printed) is not None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stop(process: subprocess.Popen[bytes]) -> None:
    """End a process started in its own session, with everything it started."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        except ProcessLookupError:
            pass
    # A receiver the script left behind (it failed before `kill`) is in the same group.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    database: Path
    hooks: Path
    hook_port: int
    logs: Path
    env: dict[str, str]

    def explain(self) -> str:
        tails = "\n".join(
            f"--- {log.name} (end)\n{log.read_text(errors='replace')[-3000:]}"
            for log in sorted(self.logs.glob("*.log"))
        )
        return f"--- stdout\n{self.stdout}\n--- stderr\n{self.stderr[-4000:]}\n{tails}"

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        with sqlite3.connect(self.database) as connection:
            return connection.execute(sql, params).fetchall()

    def shell(self, code: str) -> str:
        """What `code` prints run by the demo's own `portico shell` (its settings, its keys)."""
        return subprocess.run(
            [sys.executable, "-m", "portico", "shell", "--no-imports", "-c", code],
            env=self.env, capture_output=True, text=True, check=True, timeout=60,
        ).stdout.strip()  # fmt: skip


class Demo:
    """`make demo` on a temporary var/ directory and free loopback ports."""

    def __init__(self, base: Path) -> None:
        self.var = base / "var"
        self.logs = base / "logs"
        self.bin = base / "bin"
        for folder in (self.var, self.logs, self.bin):
            folder.mkdir()
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.processes: list[subprocess.Popen[bytes]] = []
        self._files: list[IO[bytes]] = []
        source = str(Path(portico.__file__).resolve().parents[1])  # the portico under test
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")},
            "PYTHONPATH": os.pathsep.join(filter(None, [source, os.environ.get("PYTHONPATH")])),
            "PORTICO_VAR_DIR": str(self.var),
            "SITE_URL": self.url,
            "DEBUG": "on",
            "TASKS_BACKEND": "database",
            "LOG_LEVEL": "INFO",
        }
        # What `make demo` leaves at its development default, whatever this shell says.
        for name in (
            "DATABASE_URL",
            "EMAIL_URL",
            "REDIS_URL",
            "MEDIA_STORAGE",
            "ALLOWED_HOSTS",
            "SANDBOX_GATEWAY",
            "WEBHOOKS_ALLOW_PRIVATE",
        ):
            self.env.pop(name, None)
        # The walkthrough's `$PORTICO`: this interpreter's portico, on the same database.
        command = self.bin / "portico"
        command.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m portico "$@"\n')
        command.chmod(0o755)
        self.portico = str(command)

    def run(self, *args: str) -> None:
        name = args[0]
        with open(self.logs / f"{name}.log", "wb") as log:
            subprocess.run(
                [self.portico, *args],
                env=self.env,
                cwd=self.var,
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=SETUP_SECONDS,
                check=True,
            )

    def start(self, *args: str, **env: str) -> None:
        log = open(self.logs / f"{args[0]}.log", "wb")  # noqa: SIM115 — closed in stop()
        self._files.append(log)
        self.processes.append(
            subprocess.Popen(
                [self.portico, *args],
                env={**self.env, **env},
                cwd=self.var,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )

    def wait_until_serving(self, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for process in self.processes:
                if process.poll() is not None:
                    raise RuntimeError(f"{process.args} exited while starting")
            try:
                urllib.request.urlopen(f"{self.url}/healthz", timeout=2).close()  # noqa: S310
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
                continue
            worker_log = (self.logs / "worker.log").read_text(errors="replace")
            if "Starting worker" in worker_log:
                return
            time.sleep(0.2)
        raise RuntimeError("the server or the worker did not start in time")

    def stop(self) -> None:
        for process in self.processes:
            _stop(process)
        for log in self._files:
            log.close()


@pytest.fixture
def walked(tmp_path: Path) -> Iterator[Run]:
    for tool in ("bash", "curl", "python3"):
        if shutil.which(tool) is None:
            pytest.skip(f"the walkthrough needs {tool}, which is not installed")
    script = walkthrough()
    base = tmp_path
    demo = Demo(base)
    hooks = base / "hooks"
    hooks.mkdir()
    hook_port = _free_port()
    bash = None
    started = time.monotonic()

    def took(step: str) -> None:  # shown with a failure (pytest prints captured output)
        print(f"{step}: {time.monotonic() - started:.0f} s after the start")

    try:
        demo.run("migrate", "--noinput")
        took("migrated")
        # The server starts (its checks take a while) while the demo data loads; the worker
        # starts after, so its first poll does not wait on the loading transaction.
        demo.start("runserver", "--noreload", f"127.0.0.1:{demo.port}")
        demo.run("demo")
        took("demo data loaded")
        # With DEBUG the worker runs in a child of a file-watching parent; it is that child
        # (RUN_MAIN) here, which saves booting Django twice.
        demo.start("worker", RUN_MAIN="true")
        demo.wait_until_serving()
        took("server and worker up")
        bash = subprocess.Popen(
            ["bash", "-euo", "pipefail", "-c", script],
            env={
                **demo.env,
                "BASE": demo.url,
                "HOOK_PORT": str(hook_port),
                "HOOKS": str(hooks),
                "PORTICO": demo.portico,
            },
            cwd=base,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            out, err = bash.communicate(timeout=SCRIPT_SECONDS)
        except subprocess.TimeoutExpired:
            _stop(bash)
            out, err = bash.communicate()
        took("walked through")
        yield Run(
            returncode=bash.returncode,
            stdout=out.decode(errors="replace"),
            stderr=err.decode(errors="replace"),
            database=demo.var / "portico.sqlite3",
            hooks=hooks,
            hook_port=hook_port,
            logs=demo.logs,
            env=demo.env,
        )
    finally:
        if bash is not None:
            _stop(bash)
        demo.stop()


def test_the_walkthrough_in_docs_api_md_runs_as_written_against_the_demo(walked: Run) -> None:
    # One test, not four: under plain `-n` (no --dist loadfile) a split would load the demo
    # once per worker.
    assert walked.returncode == 0, walked.explain()
    _printed_the_answers_the_page_shows(walked)
    _the_customer_paid_the_invoice_online(walked)
    _the_delivery_log_shows_both_events_delivered_once(walked)
    _the_receiver_got_a_payment_whose_signature_verifies(walked)


def _printed_the_answers_the_page_shows(walked: Run) -> None:
    expected = answers(walkthrough())
    printed = walked.stdout.splitlines()
    assert len(expected) >= 10, "the page shows its answers as `# ⇒` comments"
    assert len(printed) == len(expected), walked.explain()
    for want, got in zip(expected, printed, strict=True):
        assert matches(want, got), f"the page says {want!r}, the walkthrough printed {got!r}"


def _the_customer_paid_the_invoice_online(walked: Run) -> None:
    rows = walked.query(
        "SELECT i.status, i.total, i.balance_due FROM sales_invoice i "
        "JOIN contacts_contact c ON c.id = i.contact_id "
        "WHERE c.display_name = 'Northwind Traders'"
    )
    assert [(s, Decimal(str(t)), Decimal(str(b))) for s, t, b in rows] == [
        ("paid", Decimal("250.00"), Decimal(0))
    ]
    checkouts = walked.query(
        "SELECT k.state, k.amount FROM payments_checkout k "
        "JOIN contacts_contact c ON c.id = k.contact_id "
        "WHERE c.display_name = 'Northwind Traders'"
    )
    assert [(s, Decimal(str(a))) for s, a in checkouts] == [("succeeded", Decimal("250.00"))]


def _the_delivery_log_shows_both_events_delivered_once(walked: Run) -> None:
    endpoints = walked.query(
        "SELECT id, url FROM webhooks_webhookendpoint WHERE url LIKE ?",
        f"http://127.0.0.1:{walked.hook_port}/%",
    )
    assert len(endpoints) == 1
    deliveries = walked.query(
        "SELECT d.event_type, d.status, d.attempts, d.last_status_code, a.status_code "
        "FROM webhooks_webhookdelivery d JOIN webhooks_webhookattempt a ON a.delivery_id = d.id "
        "WHERE d.endpoint_id = ? ORDER BY d.event_type",
        endpoints[0][0],
    )
    assert deliveries == [
        ("invoice.sent", "succeeded", 1, 204, 204),
        ("payment.succeeded", "succeeded", 1, 204, 204),
    ]


def _the_receiver_got_a_payment_whose_signature_verifies(walked: Run) -> None:
    # Encrypted at rest: read back through the demo's own model.
    secret = walked.shell(
        "from portico.webhooks.models import WebhookEndpoint; print(WebhookEndpoint.objects.get("
        f"url__startswith='http://127.0.0.1:{walked.hook_port}/').secret)"
    )
    assert secret.startswith("whsec_"), secret
    body = (walked.hooks / "payment.succeeded.json").read_bytes()
    header = (walked.hooks / "payment.succeeded.sig").read_text()
    # The signature check the page gives receivers ("Checking the signature"), as written.
    (snippet,) = blocks(section("## Outgoing webhooks"), "python")
    namespace: dict[str, Any] = {}
    exec(snippet, namespace)  # noqa: S102 — our own documentation's code
    assert namespace["verify"](secret, header, body)
    assert not namespace["verify"](secret, header, body.replace(b"250", b"25"))
    event = json.loads(body)
    assert event["type"] == "payment.succeeded"
    assert event["organisation"] == "demo"
    assert event["data"]["amount"] == "250.00"
    assert event["data"]["mode"] == "card"
