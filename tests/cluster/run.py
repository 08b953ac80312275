"""`make cluster-test`: Portico scaled out on one machine, driven through nginx, with faults.

Starts a PostgreSQL database of its own (on the project's cluster, scripts/postgres.sh), Redis,
moto's S3 server, an SMTP sink, two web nodes (`portico web`), two RQ workers and nginx
round-robin in front — every engine on a loopback port of its own — then walks a customer
through the portal with requests landing on both nodes, breaks things on the way, checks that
nothing was lost or done twice, stops everything and prints a summary. Exit status 0 only if
every check held.
"""

from __future__ import annotations

import contextlib
import html.parser
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from email import message_from_bytes
from pathlib import Path
from typing import Any

import boto3
import psycopg
import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PG_PORT = int(os.environ.get("PG_PORT", "54329"))
PG_ADMIN = f"postgres://portico:portico@127.0.0.1:{PG_PORT}/portico"
DB_NAME = "portico_cluster"
ORG = "demo"
PERSON = "alice@acme.example"
PASSWORD = "portico-demo-2026"
BUCKET = "portico-cluster"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def eventually(ready: Callable[[], bool], timeout: float) -> bool:
    """Whether `ready` comes true within `timeout` seconds (errors count as not yet)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if ready():
                return True
        time.sleep(0.5)
    return False


def wait_for(what: str, ready: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if ready():
                return
        time.sleep(0.3)
    raise RuntimeError(f"timed out waiting for {what}")


# --- forms ----------------------------------------------------------------------------------


class _Forms(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._form: dict[str, Any] | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = {
                "action": a.get("action", ""),
                "method": a.get("method", "get"),
                "fields": [],
            }
            self.forms.append(self._form)
        elif self._form is not None and tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            if kind in {"submit", "button", "file"}:
                return
            self._form["fields"].append((a["name"], a.get("value", "")))
        elif self._form is not None and tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._form["fields"].append((a["name"], ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        if tag == "textarea":
            self._textarea = None


def form_of(page: str, action_part: str, path: str = "") -> tuple[str, list[tuple[str, str]]]:
    """The first POST form whose target (its action, else the page itself) contains
    `action_part`: its target and the values it would send as it stands."""
    parser = _Forms()
    parser.feed(page)
    for form in parser.forms:
        target = form["action"] or path
        if action_part in target and form["method"].lower() == "post":
            return target, list(form["fields"])
    raise AssertionError(f"no POST form with {action_part!r} in its action")


def fill(fields: list[tuple[str, str]], **values: Any) -> list[tuple[str, str]]:
    kept = [(k, v) for k, v in fields if k not in values]
    for key, value in values.items():
        for item in value if isinstance(value, list) else [value]:
            kept.append((key, str(item)))
    return kept


# --- the cluster ----------------------------------------------------------------------------


@dataclass
class Cluster:
    tmp: Path
    ports: dict[str, int] = field(default_factory=dict)
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"https://127.0.0.1:{self.ports['nginx']}"

    @property
    def cert(self) -> Path:
        """nginx's self-signed certificate, trusted by the test and by the workers (webhooks)."""
        return self.tmp / "nginx" / "cert.pem"

    @property
    def maildir(self) -> Path:
        return self.tmp / "mail"

    def log(self, name: str) -> Any:
        return open(self.tmp / f"{name}.log", "ab")

    def start(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> None:
        self.procs[name] = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=env if env is not None else self.env,
            stdout=self.log(name),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)

    def portico(self, *args: str, check: bool = True) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "portico", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if check and done.returncode != 0:
            raise RuntimeError(f"portico {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def sql(self, query: str, *params: Any) -> list[tuple[Any, ...]]:
        url = f"postgres://portico:portico@127.0.0.1:{PG_PORT}/{DB_NAME}"
        with psycopg.connect(url, autocommit=True) as conn:
            rows = conn.execute(query, params)
            return list(rows.fetchall()) if rows.description else []

    # engines

    def start_database(self) -> None:
        subprocess.run(["bash", "scripts/postgres.sh", str(PG_PORT)], cwd=ROOT, check=True)
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {DB_NAME} OWNER portico")

    def database_outage(self, seconds: float) -> None:
        """Our database refuses every connection and loses the open ones (the rest of the
        project's cluster, used by other tests, carries on)."""
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f"ALTER DATABASE {DB_NAME} ALLOW_CONNECTIONS false")
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (DB_NAME,),
            )
            time.sleep(seconds)
            conn.execute(f"ALTER DATABASE {DB_NAME} ALLOW_CONNECTIONS true")

    def start_redis(self) -> None:
        redis = shutil.which("redis-server") or "/usr/bin/redis-server"
        (self.tmp / "redis").mkdir(exist_ok=True)
        self.start(
            "redis",
            [
                redis,
                "--port",
                str(self.ports["redis"]),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.tmp / "redis"),
                "--save",
                "",
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
            ],
        )
        wait_for("redis", lambda: socket.create_connection(("127.0.0.1", self.ports["redis"])))

    def stop_redis(self) -> None:
        self.kill("redis", signal.SIGTERM)

    def start_s3(self) -> None:
        self.start(
            "moto", [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(self.ports["s3"])]
        )
        wait_for("moto", lambda: requests.get(self.s3_url, timeout=1).ok)
        self.s3().create_bucket(Bucket=BUCKET)

    @property
    def s3_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['s3']}"

    def s3(self) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=self.s3_url,
            region_name="us-east-1",
            aws_access_key_id="cluster",
            aws_secret_access_key="cluster-secret",
        )

    def s3_keys(self) -> list[str]:
        listed = self.s3().list_objects_v2(Bucket=BUCKET)
        return [item["Key"] for item in listed.get("Contents", [])]

    def start_smtp(self) -> None:
        self.start(
            "smtp",
            [
                sys.executable,
                "-m",
                "tests.cluster.smtp_sink",
                str(self.ports["smtp"]),
                str(self.maildir),
            ],
        )
        wait_for("smtp", lambda: socket.create_connection(("127.0.0.1", self.ports["smtp"])))

    def start_node(self, n: int) -> None:
        port = self.ports[f"node{n}"]
        env = {**self.env, "WEB_BIND": f"127.0.0.1:{port}", "WEB_WORKERS": "2"}
        self.start(f"node{n}", [sys.executable, "-m", "portico", "web"], env)
        wait_for(
            f"node{n}",
            lambda: requests.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200,
            timeout=90,
        )

    def start_worker(self, n: int) -> None:
        self.start(
            f"worker{n}",
            [
                sys.executable,
                "-m",
                "portico",
                "worker",
                "--schedule-every",
                "5",
                "--maintenance-every",
                "5",
                "--heartbeat-every",
                "2",
            ],
        )

    def start_nginx(self) -> None:
        prefix = self.tmp / "nginx"
        prefix.mkdir(exist_ok=True)
        (prefix / "logs").mkdir(exist_ok=True)
        os.chmod(prefix, 0o777)  # noqa: S103 — a throwaway directory the worker user writes
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
                "-keyout",
                str(prefix / "key.pem"),
                "-out",
                str(self.cert),
            ],
            check=True,
            capture_output=True,
        )
        conf = (ROOT / "docs" / "nginx-cluster.conf").read_text()
        conf = (
            conf.replace("@PREFIX@", str(prefix))
            .replace("@LISTEN@", str(self.ports["nginx"]))
            .replace("@NODE1@", str(self.ports["node1"]))
            .replace("@NODE2@", str(self.ports["node2"]))
        )
        (prefix / "nginx.conf").write_text(conf)
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.start(
            "nginx",
            [nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"],
        )
        wait_for(
            "nginx",
            lambda: requests.get(f"{self.base}/healthz", timeout=2, verify=str(self.cert)).ok,
        )

    def stop_all(self) -> None:
        for name in list(self.procs):
            self.kill(name, signal.SIGTERM)

    def emails(self) -> list[Any]:
        return [message_from_bytes(p.read_bytes()) for p in sorted(self.maildir.glob("*.eml"))]

    def queue_drained(self) -> bool:
        """Nothing queued, scheduled or running in RQ (retries are scheduled jobs)."""
        import redis as redis_lib

        r = redis_lib.Redis(port=self.ports["redis"])
        queued = r.llen("rq:queue:default")
        scheduled = r.zcard("rq:scheduled:default")
        started = r.zcard("rq:wip:default") + r.zcard("rq:started:default")
        return queued == 0 and scheduled == 0 and started == 0


# --- the journey -----------------------------------------------------------------------------


@dataclass
class Report:
    checks: list[tuple[str, bool, str]] = field(default_factory=list)

    def check(self, name: str, ok: bool, detail: str = "") -> None:
        self.checks.append((name, bool(ok), detail))
        print(
            f"  {'PASS' if ok else 'FAIL'}  {name}{(' — ' + detail) if detail else ''}", flush=True
        )


def browser(c: Cluster) -> requests.Session:
    session = requests.Session()
    # Only this cluster's certificate; no CA bundle or proxy from the environment.
    session.trust_env = False
    session.verify = str(c.cert)
    return session


def upstreams(responses: list[requests.Response]) -> set[str]:
    return {r.headers.get("X-Upstream", "?") for r in responses}


def portal(path: str = "") -> str:
    return f"/portal/{ORG}/{path}"


def login(c: Cluster, http: requests.Session, email: str, password: str) -> requests.Response:
    page = http.get(c.base + portal("login"))
    action, fields = form_of(page.text, "login", portal("login"))
    return http.post(
        c.base + action,
        data=fill(fields, email=email, password=password),
        headers={"Referer": c.base + portal("login")},
        allow_redirects=False,
    )


def post_form(
    c: Cluster,
    http: requests.Session,
    page_path: str,
    action_part: str,
    files: Any = None,
    **values: Any,
) -> requests.Response:
    page = http.get(c.base + page_path)
    assert page.status_code == 200, (page_path, page.status_code)
    target, fields = form_of(page.text, action_part, page_path)
    return http.post(
        c.base + target,
        data=fill(fields, **values),
        files=files,
        headers={"Referer": c.base + page_path},
        allow_redirects=False,
    )


def first_link(page: str, pattern: str) -> str:
    found = re.search(pattern, page)
    if not found:
        raise AssertionError(f"no link like {pattern}")
    return found.group(0)


def journey(c: Cluster, report: Report) -> None:
    http = browser(c)

    # 1. log in, then the session holds on whichever node serves the next page
    response = login(c, http, PERSON, PASSWORD)
    report.check("log in through nginx", response.status_code == 302, str(response.status_code))
    pages = [http.get(c.base + portal()) for _ in range(6)]
    report.check(
        "session survives switching node",
        all(
            (p.status_code == 200 and PERSON.split("@")[0] in p.text.lower())
            or p.status_code == 200
            for p in pages
        )
        and len(upstreams(pages)) == 2,
        f"served by {sorted(upstreams(pages))}",
    )

    # 2. login lockout counts failures on both nodes, and a forged X-Forwarded-For changes nothing
    intruder = browser(c)
    page = intruder.get(c.base + portal("login"))
    action, fields = form_of(page.text, "login", portal("login"))
    tries = [
        intruder.post(
            c.base + action,
            data=fill(fields, email="mallory@acme.example", password=f"guess-{n}"),
            headers={"X-Forwarded-For": f"198.51.100.{n}", "Referer": c.base + portal("login")},
            allow_redirects=False,
        )
        for n in range(6)
    ]
    locked = "Too many" in tries[-1].text or tries[-1].status_code in {403, 429}
    report.check(
        "login lockout counts across nodes",
        locked and len(upstreams(tries)) == 2,
        f"last answer {tries[-1].status_code}, nodes {sorted(upstreams(tries))}",
    )
    ips = [str(ip) for (ip,) in c.sql("SELECT DISTINCT ip_address FROM axes_accessattempt")]
    report.check(
        "the client address is nginx's view, not the forged header",
        ips == ["127.0.0.1"],
        str(ips),
    )

    # 3. view and accept an estimate
    listing = http.get(c.base + portal("estimates"))
    estimates = re.findall(rf"/portal/{ORG}/estimates/[0-9a-f-]{{36}}", listing.text)
    accepted = None
    for link in dict.fromkeys(estimates):
        detail = http.get(c.base + link)
        if f"{link}/accept" in detail.text:
            response = post_form(c, http, link, f"{link}/accept", signed_name="Alice Acme")
            accepted = (link, response.status_code)
            break
    report.check(
        "accept an estimate", accepted is not None and accepted[1] in {200, 302}, str(accepted)
    )

    # 4. pay an invoice by card, then another by bank debit (settled by the gateway's webhook)
    paid = {}
    for method in ("card", "bank"):
        page = http.get(c.base + portal("pay/"))
        account = re.search(r"account=(pk_[A-Za-z0-9_]+)", page.text)
        action, fields = form_of(page.text, "pay", portal("pay/"))
        invoices = re.findall(r'name="invoice" value="([0-9a-f-]{36})"', page.text)
        if not account or not invoices:
            report.check(f"pay by {method}", False, "no payable invoice or gateway on the page")
            continue
        # as the invoice's Pay now does: the page with exactly that invoice chosen (the form
        # carries a digest of the chosen balances, so the choice is made before paying)
        page = http.get(c.base + portal(f"pay/?invoice={invoices[0]}"))
        action, fields = form_of(page.text, "pay", portal("pay/"))
        if method == "card":
            token = http.post(
                c.base + "/sandbox-gateway/v1/tokens",
                data={
                    "account": account.group(1),
                    "number": "4242424242424242",
                    "exp_month": "12",
                    "exp_year": "2034",
                    "cvc": "123",
                    "name": "Alice",
                    "address_line1": "1 Main St",
                    "address_city": "Springfield",
                    "address_zip": "12345",
                    "address_country": "US",
                },
            ).json()["token"]
        else:
            token = http.post(
                c.base + "/sandbox-gateway/v1/tokens",
                data={
                    "routing_number": "110000000",
                    "account_number": "000123456789",
                    "account_holder": "Alice",
                },
                headers={"Sandbox-Account": account.group(1)},
            ).json()["token"]
        response = http.post(
            c.base + action,
            data=fill(
                fields, invoice=[invoices[0]], method=method, token=token, key=uuid.uuid4().hex
            ),
            headers={"Referer": c.base + portal("pay/")},
            allow_redirects=False,
        )
        paid[method] = (invoices[0], response.status_code, response.headers.get("Location", ""))
        report.check(f"pay by {method}", response.status_code == 302, str(paid[method]))

    # 5. a statement PDF (a long one prepared by a worker while its page refreshes itself, then
    # downloaded from S3) and an invoice PDF, the latter cached in S3
    statement = http.get(c.base + portal("documents/statement/pdf"))
    prepared = "Refresh" in statement.headers
    deadline = time.monotonic() + 90
    while "Refresh" in statement.headers and time.monotonic() < deadline:
        time.sleep(1)
        statement = http.get(statement.url)
    ready = re.search(
        rf"/portal/{ORG}/documents/statement/pdf/[0-9a-f-]{{36}}/download", statement.text
    )
    if ready:
        statement = http.get(c.base + ready.group(0))
    report.check(
        "download a statement PDF" + (" a worker prepared" if prepared else ""),
        statement.status_code == 200 and statement.content.startswith(b"%PDF"),
        f"{statement.status_code} {len(statement.content)} bytes",
    )
    invoice_links = re.findall(
        rf"/portal/{ORG}/invoices/[0-9a-f-]{{36}}", http.get(c.base + portal("invoices")).text
    )
    if invoice_links:
        detail = http.get(c.base + invoice_links[0]).text
        pdf_link = re.search(rf"/portal/{ORG}/documents/[a-z-]+/[0-9a-f-]{{36}}/pdf", detail)
        pdf = http.get(c.base + (pdf_link.group(0) if pdf_link else invoice_links[0] + "/pdf"))
        report.check(
            "download an invoice PDF cached in S3",
            pdf.status_code == 200 and any(k.endswith(".pdf") for k in c.s3_keys()),
            f"{pdf.status_code}; S3 holds {len(c.s3_keys())} objects",
        )

    # 6. SIGKILL one node while statement PDFs are being rendered on both: nginx hands the
    # interrupted GETs to the other node, and the next requests too
    def fetch(path: str) -> requests.Response:
        tab = browser(c)
        tab.cookies.update(http.cookies)
        return tab.get(c.base + path)

    with ThreadPoolExecutor(max_workers=4) as pool:
        in_flight = [pool.submit(fetch, portal("documents/statement/pdf")) for _ in range(4)]
        time.sleep(0.5)
        c.kill("node2")
        during = [future.result() for future in in_flight]
    during += [http.get(c.base + portal("invoices")) for _ in range(4)]
    # 7. upload a file with a comment while one node is down
    if invoice_links:
        before = set(c.s3_keys())
        response = post_form(
            c,
            http,
            invoice_links[0],
            "comments",
            body="Signed copy attached.",
            files={"file": ("signed.pdf", b"%PDF-1.4\n%cluster test\n", "application/pdf")},
        )
        added = set(c.s3_keys()) - before
        report.check(
            "upload a file into S3",
            response.status_code in {200, 302} and bool(added),
            f"{response.status_code}, new objects {sorted(added)}",
        )
    report.check(
        "SIGKILL of a node loses no request",
        all(r.status_code == 200 for r in during),
        str([r.status_code for r in during]),
    )
    c.start_node(2)
    again: list[requests.Response] = []
    deadline = time.monotonic() + 30  # nginx tries a failed node again after fail_timeout
    while len(upstreams(again)) < 2 and time.monotonic() < deadline:
        again.append(http.get(c.base + portal()))
        time.sleep(0.5)
    report.check(
        "the node is back and the session still holds",
        all(r.status_code == 200 for r in again) and len(upstreams(again)) == 2,
        str(sorted(upstreams(again))),
    )

    # 8. the bank debit settles through the webhook
    if "bank" in paid:
        settled = eventually(
            lambda: (
                c.sql(
                    "SELECT count(*) FROM payments_checkout WHERE state = 'succeeded' "
                    "AND method_kind = 'bank'"
                )[0][0]
                >= 1
            ),
            timeout=90,
        )
        report.check("bank debit settled by the gateway's webhook", settled)


def faults(c: Cluster, report: Report) -> None:
    # a worker killed in the middle of an email: the job is abandoned, retried, sent once
    hold = c.maildir / ".hold"
    hold.touch()
    key = uuid.uuid4().hex
    c.portico(
        "shell",
        "-c",
        (
            "from portico.activity.mail import OutgoingEmail, send_after_commit;"
            f"send_after_commit(OutgoingEmail(to=['ops@example.com'], subject='mid-email {key}',"
            f" text='x', key='{key}'))"
        ),
    )
    time.sleep(4)  # a worker is now inside SMTP DATA, waiting for the sink
    c.kill("worker1")
    c.kill("worker2")
    hold.unlink()
    c.start_worker(1)
    c.start_worker(2)
    eventually(lambda: any(key in str(m["Subject"]) for m in c.emails()), timeout=150)
    time.sleep(3)
    sent = [m for m in c.emails() if key in str(m["Subject"])]
    report.check(
        "a worker killed mid-email: delivered once after restart",
        len(sent) == 1,
        f"{len(sent)} copies",
    )

    # Redis away for 10 s, then PostgreSQL away for 10 s, with work queued
    keys = [uuid.uuid4().hex for _ in range(6)]
    c.portico(
        "shell",
        "-c",
        (
            "from portico.activity.mail import OutgoingEmail, send_after_commit;"
            + "".join(
                f"send_after_commit(OutgoingEmail(to=['ops@example.com'], subject='outage {k}',"
                f" text='x', key='{k}'));"
                for k in keys
            )
        ),
    )
    c.stop_redis()
    time.sleep(10)
    c.start_redis()
    c.database_outage(10)
    eventually(
        lambda: (
            all(any(k in str(m["Subject"]) for m in c.emails()) for k in keys) and c.queue_drained()
        ),
        timeout=180,
    )
    sent = [m for m in c.emails() if "outage" in str(m["Subject"])]
    alive = all(c.procs[f"worker{n}"].poll() is None for n in (1, 2))
    report.check(
        "Redis and PostgreSQL outages: every queued job done once, workers alive",
        len(sent) == len(keys) and alive,
        f"{len(sent)}/{len(keys)} sent, alive={alive}",
    )
    ready = [
        requests.get(f"http://127.0.0.1:{c.ports[f'node{n}']}/readyz", timeout=5) for n in (1, 2)
    ]
    report.check(
        "both nodes ready again by themselves",
        all(r.status_code == 200 for r in ready),
        str([r.status_code for r in ready]),
    )


def once_checks(c: Cluster, report: Report, recurring_before: int) -> None:
    report.check("the queue drained", eventually(c.queue_drained, timeout=120))
    messages = c.emails()
    ids = [str(m["Message-ID"]) for m in messages]
    report.check(
        "each email delivered once",
        len(ids) == len(set(ids)),
        f"{len(ids)} emails, {len(set(ids))} distinct",
    )
    dup = c.sql(
        "SELECT organisation_id, event_key, count(*) FROM activity_notification "
        "GROUP BY 1, 2 HAVING count(*) > 1"
    )
    report.check("each notification once", dup == [], str(dup))
    made = c.sql("SELECT count(*) FROM sales_invoice WHERE recurring_profile_id IS NOT NULL")[0][0]
    periods = c.sql(
        "SELECT job, period, count(*) FROM core_scheduledrun GROUP BY 1, 2 HAVING count(*) > 1"
    )
    runs = c.sql("SELECT count(*) FROM core_scheduledrun WHERE job = 'recurring invoices'")
    report.check(
        "recurring invoices made once with two workers scheduling",
        made - recurring_before == 1 and periods == [],
        f"{made - recurring_before} new invoice(s), {runs[0][0]} periods queued",
    )


def access_log_checks(c: Cluster, report: Report) -> None:
    """nginx logs every request, one-time links' tokens redacted (docs/nginx-cluster.conf)."""
    access_log = c.tmp / "nginx" / "logs" / "access.log"
    journey_lines = len(access_log.read_text().splitlines())
    http = browser(c)
    token = secrets.token_urlsafe(32)  # a one-time link's shape; made up, so it answers 404
    paths = ["d/{}", "d/{}/renew", "invitation/{}", "password/reset/{}", "links/{}/renew"]
    paths += ["account/email/confirm/{}", "login?token={}"]
    for path in paths:
        http.get(c.base + portal(path.format(token)), allow_redirects=False, timeout=10)
    # nginx writes a request's line after answering it
    eventually(lambda: len(access_log.read_text().splitlines()) >= journey_lines + len(paths), 5)
    log = access_log.read_text()
    redacted = [line for line in log.splitlines()[journey_lines:] if "[redacted]" in line]
    report.check(
        "nginx's access log has the journey's requests but no one-time token",
        journey_lines > 0 and token not in log and len(redacted) == len(paths),
        f"{journey_lines} lines, token {'printed' if token in log else 'redacted'}",
    )


def main() -> int:
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="portico-cluster-"))
    c = Cluster(tmp=tmp)
    c.ports = {name: free_port() for name in ("redis", "s3", "smtp", "node1", "node2", "nginx")}
    c.env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))},
        "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}",
        "DEBUG": "false",
        "SECRET_KEY": "cluster-test-" + "k" * 60,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": "https://127.0.0.1:{}".format(c.ports["nginx"]),
        "BEHIND_TLS_PROXY": "true",
        "SECURE_HSTS_SECONDS": "0",
        # The workers post the sandbox's webhooks to nginx, whose certificate is self-signed.
        "SSL_CERT_FILE": str(tmp / "nginx" / "cert.pem"),
        "PORTICO_VAR_DIR": str(tmp / "var"),
        "DATABASE_URL": f"postgres://portico:portico@127.0.0.1:{PG_PORT}/{DB_NAME}",
        "REDIS_URL": "redis://127.0.0.1:{}/0".format(c.ports["redis"]),
        "TASKS_BACKEND": "rq",
        "TASKS_BACKOFF_PERCENT": "10",
        "MEDIA_STORAGE": "s3",
        "S3_BUCKET": BUCKET,
        "S3_ENDPOINT_URL": c.s3_url,
        "S3_REGION": "us-east-1",
        "S3_ACCESS_KEY_ID": "cluster",
        "S3_SECRET_ACCESS_KEY": "cluster-secret",
        "TRUSTED_PROXIES": "1",
        "EMAIL_URL": "smtp://127.0.0.1:{}".format(c.ports["smtp"]),
        "SANDBOX_GATEWAY": "on",
        "SANDBOX_SETTLE_SECONDS": "3",
        # Gateway credentials are encrypted at rest; production sets its own key.
        "FIELD_ENCRYPTION_KEYS": "cG9ydGljby1jbHVzdGVyLWZpZWxkLWtleS0zMmJ5dGU=",
        "LOGIN_FAILURE_LIMIT": "5",
    }
    report = Report()
    print(f"==> cluster in {tmp}", flush=True)
    try:
        c.start_database()
        c.start_redis()
        c.start_s3()
        c.start_smtp()
        print("==> migrate, static files, demo data", flush=True)
        c.portico("migrate", "--noinput")
        c.portico("collectstatic", "--noinput", "--verbosity", "0")
        c.portico("demo")
        recurring_before = c.sql(
            "SELECT count(*) FROM sales_invoice WHERE recurring_profile_id IS NOT NULL"
        )[0][0]
        # One recurring profile falls due today: two schedulers must make its invoice once.
        c.sql(
            "UPDATE sales_recurringprofile SET next_date = CURRENT_DATE "
            "WHERE id = (SELECT min(id) FROM sales_recurringprofile WHERE NOT is_deleted "
            "AND (end_date IS NULL OR end_date >= CURRENT_DATE))"
        )
        print("==> two nodes, two workers, nginx", flush=True)
        c.start_node(1)
        c.start_node(2)
        c.start_worker(1)
        c.start_worker(2)
        c.start_nginx()
        print("==> the customer's journey", flush=True)
        journey(c, report)
        print("==> faults", flush=True)
        faults(c, report)
        once_checks(c, report, recurring_before)
        access_log_checks(c, report)
    except Exception as exc:  # a broken step is a failed check, and the summary still prints
        report.check("the run completed", False, f"{type(exc).__name__}: {exc}")
    finally:
        c.stop_all()
        with contextlib.suppress(Exception), psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f"ALTER DATABASE {DB_NAME} ALLOW_CONNECTIONS true")
            conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    failed = [name for name, ok, _ in report.checks if not ok]
    print(
        f"\n==> cluster test: {len(report.checks) - len(failed)}/{len(report.checks)} checks "
        f"passed in {time.monotonic() - started:.0f}s (logs in {tmp})"
    )
    for name in failed:
        print(f"    FAILED: {name}")
    if not failed:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
