"""Paired before/after timings of a few pages, for a machine whose load changes under you.

`python -m bench.paired --before DIR` runs two worker processes against the database a previous
`make bench` seeded (use a private copy: BENCH_VAR, BENCH_PG_DB): one imports Portico from
DIR/src (a checkout of the code before a change, e.g. `git archive <rev> | tar -x -C DIR`, with
the built vendor assets linked in), the other from this checkout. Each page is requested by
both in turn, alternating who goes first, so both sides see the same load; the report gives
each side's median and the median of the per-pair ratios (after / before).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.pages import period_query
from bench.run import ORG, PASSWORD, PG_BENCH_DB, PG_PORT, ROOT, VAR

WORKER = """
import json, sys, time
import django
django.setup()
from django.test import Client
from portico.accounts.models import User
from portico.contacts.models import Contact, ContactPerson
org, password = sys.argv[1], sys.argv[2]
big = Contact.objects.get(organisation__slug=org, display_name__startswith="Bigcorp")
person = ContactPerson.objects.get(contact=big, is_primary=True, portal_status="active")
portal = Client()
login = portal.post(f"/portal/{org}/login", {"email": person.email, "password": password})
assert login.status_code == 302, login.status_code
staff = Client()
staff.force_login(User.objects.get(email="bench-owner@portico.example"))
print("ready", flush=True)
for line in sys.stdin:
    url = line.strip()
    client = staff if url.startswith("/admin") else portal
    started = time.perf_counter()
    status = client.get(url).status_code
    print(json.dumps([status, (time.perf_counter() - started) * 1000]), flush=True)
"""


def pages(rounds: int) -> list[tuple[str, str, int]]:
    today = datetime.date.today()
    base = f"/portal/{ORG}"
    return [
        ("Home", f"{base}/", rounds),
        ("Timesheets list", f"{base}/timesheets", rounds),
        ("Statement, last 12 months", f"{base}/statement?{period_query('year', today)}", 10),
        ("Statement, whole history", f"{base}/statement?{period_query('all', today)}", 7),
        ("Ledger entries (back office)", "/admin/sales/ledgerentry/", max(10, rounds // 2)),
    ]


def worker(database: str, src: Path) -> subprocess.Popen[str]:
    env = dict(os.environ)
    env.update(
        PYTHONPATH=f"{src}{os.pathsep}{ROOT}",
        DJANGO_SETTINGS_MODULE="bench.settings",
        BENCH_SQLITE=str(VAR / "bench.sqlite3"),
        PORTICO_VAR_DIR=str(ROOT / "var"),  # this checkout's collected static files, both sides
        DEBUG="0",
        SECRET_KEY="bench-paired-" + "x" * 50,
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="0",
        TASKS_BACKEND="database",
        # A fixed key: the seeded data outlives one run (gateway secrets are encrypted).
        FIELD_ENCRYPTION_KEYS="cG9ydGljby1iZW5jaC1maWVsZC1rZXktMzItYnl0ZXM=",
        SANDBOX_GATEWAY="on",
    )
    if database == "postgres":
        env["DATABASE_URL"] = f"postgres://portico:portico@127.0.0.1:{PG_PORT}/{PG_BENCH_DB}"
    process = subprocess.Popen(
        [sys.executable, "-c", WORKER, ORG, PASSWORD], env=env, cwd=ROOT, text=True,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    return process


def request(process: subprocess.Popen[str], url: str) -> tuple[int, float]:
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(url + "\n")
    process.stdin.flush()
    status, ms = json.loads(process.stdout.readline())
    return int(status), float(ms)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.paired")
    parser.add_argument("--before", required=True, help="a checkout of the code before")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args(argv)
    sides = {
        "before": worker(args.database, Path(args.before) / "src"),
        "after": worker(args.database, ROOT / "src"),
    }
    try:
        for label, url, n in pages(args.rounds):
            for side in sides.values():
                for _ in range(2):  # first view and session bookkeeping
                    assert request(side, url)[0] == 200, url
            times: dict[str, list[float]] = {"before": [], "after": []}
            for i in range(n):
                for name in ("before", "after") if i % 2 == 0 else ("after", "before"):
                    times[name].append(request(sides[name], url)[1])
            row: dict[str, Any] = {
                "page": label,
                "n": n,
                "before_ms": round(statistics.median(times["before"]), 1),
                "after_ms": round(statistics.median(times["after"]), 1),
                "paired_ratio": round(
                    statistics.median(b / a for a, b in zip(*times.values(), strict=True)), 3
                ),
            }
            print(json.dumps(row), flush=True)
        print(json.dumps({"database": args.database, "load": os.getloadavg()}), flush=True)
    finally:
        for side in sides.values():
            side.terminate()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
