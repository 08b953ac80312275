"""`python -m bench`: measure and load-test Portico on SQLite and PostgreSQL, then write
docs/benchmarks.md; `python -m bench --seed` prepares the data first.

`--seed` gives each database a fresh copy (SQLite file under var/bench/, PostgreSQL database
`portico_bench` on the local cluster), `portico migrate` and `portico seed-scale` at the
benchmark scale (`--size` the big customer's invoices). A run without it refuses a database
without that data and says how to seed it; otherwise `portico ledger check`, then, on a working
copy of each database that is dropped afterwards (the run's writes never pile up in the seeded
data), the in-process measurements (`bench.measure`) and HTTP load with wrk against gunicorn
(2 sync workers) on loopback.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench import report
from bench.pages import SIZES, size_of

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
VAR = Path(os.environ.get("BENCH_VAR", ROOT / "var" / "bench"))  # another copy: BENCH_VAR
ORG = "bench-scale"
PASSWORD = "bench-portal-password-1"  # noqa: S105 — a throwaway benchmark login
PG_PORT = os.environ.get("PG_PORT", "54329")
PG_ADMIN_URL = f"postgres://portico:portico@127.0.0.1:{PG_PORT}/portico"
PG_BENCH_DB = os.environ.get("BENCH_PG_DB", "portico_bench")

SEEDED = (
    "import sys; from portico.orgs.models import Organisation; "
    f"sys.exit(0 if Organisation.objects.filter(slug='{ORG}').exists() else 3)"
)
SCALE = [
    "--customers", "2000",
    "--invoices-per-customer", "10",
    "--payments-per-customer", "5",
    "--estimates-per-customer", "2",
    "--big-invoices", "5000",
    "--big-payments", "2000",
    "--big-estimates", "200",
    "--big-projects", "20",
    "--big-time-entries", "5000",
]  # fmt: skip


def log(message: str) -> None:
    print(f"==> {message}", flush=True)


def machine() -> dict[str, Any]:
    model = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "kernel": platform.release(),
        "load": os.getloadavg(),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
    }


def base_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
        DATABASE_URL=database_url,
        BENCH_SQLITE=str(VAR / "bench.sqlite3"),
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        SECURE_HSTS_PRELOAD="0",
        EMAIL_URL=f"file://{VAR / 'mail'}",
        TASKS_BACKEND="database",
        # A fixed key: the seeded data outlives one run (gateway secrets are encrypted).
        FIELD_ENCRYPTION_KEYS="cG9ydGljby1iZW5jaC1maWVsZC1rZXktMzItYnl0ZXM=",
        SANDBOX_GATEWAY="on",
    )
    return env


def portico(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "portico"), *args], cwd=ROOT, env=env, check=check, text=True,
        capture_output=True,
    )  # fmt: skip


def fresh_database(name: str) -> str:
    """A new empty database; answers its DATABASE_URL ("" for the bench SQLite file)."""
    if name == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{VAR / 'bench.sqlite3'}{suffix}").unlink(missing_ok=True)
        return ""
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{PG_BENCH_DB}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{PG_BENCH_DB}"')
    return database_url(name)


def database_url(name: str, database: str = PG_BENCH_DB) -> str:
    return "" if name == "sqlite" else f"postgres://portico:portico@127.0.0.1:{PG_PORT}/{database}"


@contextmanager
def working_copy(name: str, env: dict[str, str]) -> Iterator[dict[str, str]]:
    """`env` pointed at a copy of the seeded database, dropped after the run: the run's writes
    (estimates accepted, comments, timesheets approved, checkouts, the bulk enable) stay in the
    copy, so every run measures the data as `seed-scale` made it, not as the last runs left it."""
    if name == "sqlite":
        seeded = Path(env["BENCH_SQLITE"])
        copy = seeded.with_name("run.sqlite3")
        files = [Path(f"{copy}{suffix}") for suffix in ("", "-wal", "-shm")]
        for path in files:
            path.unlink(missing_ok=True)
        with sqlite3.connect(seeded) as source, sqlite3.connect(copy) as target:
            source.backup(target)
        try:
            yield {**env, "BENCH_SQLITE": str(copy)}
        finally:
            for path in files:
                path.unlink(missing_ok=True)
        return
    import psycopg

    copy = f"{PG_BENCH_DB}_run"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{PG_BENCH_DB}" STRATEGY FILE_COPY')
    try:
        yield {**env, "DATABASE_URL": database_url(name, copy)}
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def parse_wrk(output: str) -> dict[str, Any]:
    def seconds(text: str) -> float:
        value, unit = re.match(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
        return float(value) * {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]

    found: dict[str, Any] = {}
    if match := re.search(r"Requests/sec:\s+([\d.]+)", output):
        found["rps"] = float(match.group(1))
    for pct in ("50", "90", "99"):
        if match := re.search(rf"^\s+{pct}%\s+(\S+)", output, re.MULTILINE):
            found[f"p{pct}_ms"] = round(seconds(match.group(1)), 2)
    match = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    found["non_2xx"] = int(match.group(1)) if match else 0
    match = re.search(r"(\d+) requests in", output)
    found["requests"] = int(match.group(1)) if match else 0
    match = re.search(r"Socket errors:(.*)", output)
    found["socket_errors"] = match.group(1).strip() if match else ""
    return found


SERVERS: tuple[tuple[str, list[str]], ...] = (
    # (label, command with {port}); the first serves every page (the targets are taken
    # on gunicorn sync), the others the comparison's. gunicorn loads and warms the application
    # up before forking (bench/gunicorn.conf.py), as production's `portico web` (granian) does.
    ("gunicorn, 2 sync workers",
     ["gunicorn", "-c", str(ROOT / "bench" / "gunicorn.conf.py"), "bench.wsgi:application",
      "--workers", "2", "--worker-class", "sync", "--bind", "127.0.0.1:{port}",
      "--log-level", "warning", "--chdir", str(ROOT)]),
    ("gunicorn, 2 gthread workers × 2 threads",
     ["gunicorn", "-c", str(ROOT / "bench" / "gunicorn.conf.py"), "bench.wsgi:application",
      "--workers", "2", "--worker-class", "gthread", "--threads", "2",
      "--bind", "127.0.0.1:{port}", "--log-level", "warning", "--chdir", str(ROOT)]),
    ("granian (`portico web`), 2 workers × 1 thread",
     ["portico", "web", "--application", "bench.wsgi:application", "--workers", "2",
      "--threads", "1", "--bind", "127.0.0.1:{port}"]),
    ("granian (`portico web`, production's default), 2 workers × 2 threads",
     ["portico", "web", "--application", "bench.wsgi:application", "--workers", "2",
      "--threads", "2", "--bind", "127.0.0.1:{port}"]),
)  # fmt: skip
COMPARED = ("Minimal logged-in page (/bench/ping)", "Home", "Invoices list")
"""The pages every server is compared on (issue 18: the minimal page, home and a list)."""


def http_load(env: dict[str, str], targets: dict[str, Any], duration: int) -> dict[str, Any]:
    """Each server of SERVERS on loopback in turn, wrk (1 thread, 8 connections) per page in
    ROUNDS alternating runs: the first server on every target page, the others on the
    compared pages."""
    if not shutil.which("wrk"):
        return {"skipped": "wrk is not installed (bench/system-deps.sh installs it)"}
    results: dict[str, Any] = {
        "server": SERVERS[0][0],
        "pages": [],
        "servers": [],
        "duration": duration,
        "rounds": ROUNDS,
    }
    for index, (label, command) in enumerate(SERVERS):
        program = BIN / command[0]
        if not program.exists():
            results["servers"].append({"server": label, "skipped": f"{command[0]} not installed"})
            continue
        urls = {
            name: path for name, path in targets["urls"].items() if index == 0 or name in COMPARED
        }
        log(f"  server: {label}")
        pages = serve_and_load(env, [str(program), *command[1:]], targets["cookie"], urls, duration)
        results["servers"].append({"server": label, "pages": pages})
        if index == 0:
            results["pages"] = pages
    return results


ROUNDS = 9
"""wrk runs per page, the pages taken in turn (issue 18 measured the median of 3 alternating
runs; the shared cores here swing by 2x from one few-second stretch to the next), so that a
passing disturbance moves one run, not a page's figure, and each round's ratio to the minimal
page is taken within the round: short runs, many rounds."""


def median_run(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median requests per second, and every run's figure."""
    ordered = sorted(rows, key=lambda row: row.get("rps") or 0.0)
    return {**ordered[len(ordered) // 2], "rounds": [row.get("rps") for row in rows]}


def serve_and_load(
    env: dict[str, str], command: list[str], cookie: str, urls: dict[str, str], duration: int
) -> list[dict[str, Any]]:
    port = free_port()
    server = subprocess.Popen(
        [part.replace("{port}", str(port)) for part in command],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True,
        start_new_session=True,
    )  # fmt: skip
    pages: list[dict[str, Any]] = []
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)  # noqa: S310 — loopback
                break
            except OSError:
                time.sleep(0.2)
        runs: dict[str, list[dict[str, Any]]] = {}
        for round_ in range(1, ROUNDS + 1):
            for label, path in urls.items():
                if not path:
                    continue
                request = urllib.request.Request(base + path, headers={"Cookie": cookie})  # noqa: S310
                try:
                    status = urllib.request.urlopen(request, timeout=30).status  # noqa: S310
                except OSError as error:
                    status = getattr(error, "code", 0) or str(error)
                run = subprocess.run(
                    ["wrk", "-t1", "-c8", f"-d{duration}s", "--latency", "-H", f"Cookie: {cookie}",
                     base + path],
                    capture_output=True, text=True, check=False,
                )  # fmt: skip
                row = {"label": label, "path": path, "status": status, **parse_wrk(run.stdout)}
                runs.setdefault(label, []).append(row)
                rps, p50 = row.get("rps"), row.get("p50_ms")
                log(f"  wrk {label} (round {round_}): {rps} req/s, p50 {p50} ms")
        for label, path in urls.items():
            pages.append(
                median_run(runs[label])
                if path
                else {"label": label, "skipped": "page not built yet"}
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    return pages


NOT_SEEDED = (
    "{name}: no benchmark data (organisation {org}). Seed it first: `make bench-seed` "
    "(python -m bench --seed [--size 500|5000|50000]; a fresh database, migrations and "
    "`portico seed-scale` at the benchmark scale), then `make bench`."
)


def prepare(name: str, args: argparse.Namespace) -> dict[str, Any]:
    """The seeded database to measure (migrated), or with `--seed` a fresh database,
    migrations, seed-scale and the ledger check (timed, not measured)."""
    if not args.seed:
        env = base_env("" if name == "sqlite" else database_url(name))
        portico(env, "migrate", "--noinput", "-v0", check=False)
        if portico(env, "shell", "-c", SEEDED, check=False).returncode != 0:
            return {"database": name, "not_seeded": NOT_SEEDED.format(name=name, org=ORG)}
        log(f"{name}: measuring the seeded database")
        return {"database": name, "env": env, "reused": True, "seed_seconds": 0,
                "ledger_check": ledger_check(env)}  # fmt: skip
    log(f"{name}: fresh database, migrate, seed-scale")
    try:
        url = fresh_database(name)
    except Exception as error:  # the cluster is not running: say so in the report
        return {"database": name, "skipped": f"could not create the database: {error}"}
    env = base_env(url)
    result: dict[str, Any] = {"database": name, "env": env}
    portico(env, "migrate", "--noinput", "-v0")
    seed_started = time.perf_counter()
    scale = [*SCALE, "--size", str(args.size)] if not args.quick else [
        "--customers", "50", "--big-invoices", "300", "--big-payments", "120",
        "--big-estimates", "30", "--big-projects", "3", "--big-time-entries", "200",
    ]  # fmt: skip
    seeded = portico(env, "seed-scale", "--org", ORG, "--password", PASSWORD, *scale)
    result["seed_seconds"] = round(time.perf_counter() - seed_started, 1)
    result["seed_output"] = seeded.stdout[-3000:]
    result["ledger_check"] = ledger_check(env)
    log(
        f"{name}: seeded in {result['seed_seconds']} s; ledger check {result['ledger_check']['ok']}"
    )
    return result


def ledger_check(env: dict[str, str], since: datetime.date | None = None) -> dict[str, Any]:
    extra = ["--since", since.isoformat()] if since else []
    check = portico(env, "ledger", "check", "--org", ORG, *extra, check=False)
    return {"ok": check.returncode == 0, "output": (check.stdout + check.stderr).strip()[-1500:]}


def measure(result: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    """In-process page measurements, then HTTP load; one database at a time, on a working copy
    of it (`working_copy`)."""
    name, env = result["database"], result.pop("env")
    log(f"{name}: a working copy of the seeded database")
    with working_copy(name, env) as copied:
        return _measure(result, copied, args)


def _measure(
    result: dict[str, Any], env: dict[str, str], args: argparse.Namespace
) -> dict[str, Any]:
    name = result["database"]
    started = time.perf_counter()
    result["date"] = datetime.datetime.now(datetime.UTC)
    result["load"] = os.getloadavg()
    log(f"{name}: in-process page measurements")
    out = VAR / f"measure-{name}.json"
    out.unlink(missing_ok=True)
    measured = subprocess.run(
        [sys.executable, "-m", "bench.measure", "--org", ORG, "--password", PASSWORD,
         "--out", str(out), "--requests", str(args.requests), "--seconds", str(args.seconds)]
        + (["--bulk-persons", "500", "--payers", "10"] if args.quick else [])
        + (["--only", args.only] if args.only else []),
        cwd=ROOT, env=env, text=True, check=False,
    )  # fmt: skip
    if measured.returncode != 0 or not out.exists():
        result["measure_error"] = f"bench.measure exited with {measured.returncode}"
        return result
    result["measure"] = json.loads(out.read_text())
    measured_writes = result["measure"].get("checkouts") or result["measure"].get("writes")
    if measured_writes or result["measure"].get("bulk_enable"):
        # The writes went through the services: the whole ledger must still agree (today's
        # online payments with the gateway's charges).
        result["ledger_check_after"] = ledger_check(env, since=datetime.date.today())
        log(f"{name}: ledger check after the writes {result['ledger_check_after']['ok']}")
    if not args.only and not args.quick:
        side_by_side(result, env, args)
    if args.only:
        result["http"] = {"skipped": f"subset run (--only {args.only})"}
        result["seconds"] = round(time.perf_counter() - started, 1)
        return result
    log(f"{name}: HTTP load")
    result["http"] = http_load(env, result["measure"]["http_targets"], args.duration)
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result


def side_by_side(result: dict[str, Any], env: dict[str, str], args: argparse.Namespace) -> None:
    """With another size's data (`--alongside`): both sizes' pages in alternating rounds
    (`bench.flat`), the flatness table's figures."""
    name = result["database"]
    if name == "postgres":
        other = args.alongside_pg
        other_env = {**env, "DATABASE_URL": env["DATABASE_URL"].rsplit("/", 1)[0] + f"/{other}"}
    else:
        other = str(Path(args.alongside) / "bench.sqlite3") if args.alongside else ""
        other_env = {**env, "BENCH_SQLITE": other}
    if not other:
        return
    portico(other_env, "migrate", "--noinput", "-v0", check=False)
    log(f"{name}: flatness, side by side with {other}")
    out = VAR / f"flat-{name}.json"
    out.unlink(missing_ok=True)
    measured = subprocess.run(
        [sys.executable, "-m", "bench.flat", "--org", ORG, "--password", PASSWORD,
         "--other", other, "--out", str(out)],
        cwd=ROOT, env=env, text=True, check=False,
    )  # fmt: skip
    if measured.returncode == 0 and out.exists():
        result["side_by_side"] = json.loads(out.read_text())
    else:
        result["side_by_side_error"] = f"bench.flat exited with {measured.returncode}"


HISTORY = ROOT / "var" / "bench" / "history"


def keep_history(run: dict[str, Any], info: dict[str, Any]) -> None:
    """This run's page figures under the big customer's size, for the flatness table of later
    runs at other sizes (`make bench-seed BENCH_SIZE=…` then `make bench`)."""
    invoices = run["measure"]["data"]["big customer"]["invoices"]
    size = size_of(invoices)
    HISTORY.mkdir(parents=True, exist_ok=True)
    record = {
        "pages": run["measure"]["pages"],
        "commit": info["commit"],
        "date": str(run.get("date", "")),
        "load": run.get("load", [0])[0],
        "invoices": invoices,
    }
    (HISTORY / f"{run['database']}-{size}.json").write_text(json.dumps(record, default=str))


def load_history(database: str) -> dict[int, dict[str, Any]]:
    found = {}
    for size in SIZES:
        path = HISTORY / f"{database}-{size}.json"
        if path.exists():
            found[size] = json.loads(path.read_text())
    return found


def history_of(run: dict[str, Any]) -> dict[int, dict[str, Any]]:
    """The flatness table's runs: the side-by-side ones of this run, else those kept."""
    both = run.get("side_by_side")
    if both:
        return {int(size): found for size, found in both.items()}
    return load_history(run["database"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument(
        "--seconds", type=float, default=8.0, help="time cap per measured page (≥ 5 requests)"
    )
    parser.add_argument(
        "--duration", type=int, default=2, help="seconds of each wrk run (ROUNDS runs per page)"
    )
    parser.add_argument("--quick", action="store_true", help="small data, for trying the harness")
    parser.add_argument(
        "--seed",
        action="store_true",
        help="make fresh databases and seed them at the benchmark scale (then measure with "
        "`make bench`); without it, the seeded databases are measured, and a database without "
        "the benchmark data is refused",
    )
    parser.add_argument(
        "--size",
        type=int,
        default=5000,
        choices=SIZES,
        help="with --seed: the big customer's invoices (seed-scale --size)",
    )
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated words: measure only the portal pages and back-office lists whose "
        "label contains one (with --out elsewhere, to compare a change before and "
        "after)",
    )
    parser.add_argument(
        "--render",
        action="store_true",
        help="measure nothing: write the report again from the last run's results "
        "(var/bench/results.json) with the history other sizes' runs kept since",
    )
    parser.add_argument(
        "--alongside",
        default=os.environ.get("BENCH_ALONGSIDE", ""),
        help="another size's benchmark directory (like BENCH_VAR): its SQLite data is measured "
        "side by side with this run's for the flatness table",
    )
    parser.add_argument(
        "--alongside-pg",
        default=os.environ.get("BENCH_ALONGSIDE_PG", ""),
        help="another size's PostgreSQL benchmark database, measured side by side likewise",
    )
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks.md"))
    args = parser.parse_args(argv)
    VAR.mkdir(parents=True, exist_ok=True)
    if args.render:
        last = json.loads((VAR / "results.json").read_text())
        for run in last["runs"]:
            run["history"] = history_of(run)
        Path(args.out).write_text(report.render(last["machine"], last["runs"]))
        log(f"wrote {args.out} from {VAR / 'results.json'}")
        return 0
    started = time.perf_counter()
    info = machine()
    names = [name.strip() for name in args.databases.split(",")]
    # Seeding is not what is measured: the databases are prepared side by side.
    with ThreadPoolExecutor(max_workers=len(names)) as pool:
        prepared = list(pool.map(lambda name: prepare(name, args), names))
    missing = [run["not_seeded"] for run in prepared if "not_seeded" in run]
    if missing:
        print("\n".join(missing), file=sys.stderr)
        return 2
    if args.seed:
        for run in prepared:
            log(f"{run['database']}: {run.get('skipped') or 'seeded; now run `make bench`'}")
        return 0
    log("collectstatic (hashed names, as served with DEBUG off)")
    portico(base_env(""), "collectstatic", "--noinput", "-v0")
    runs = [run if "skipped" in run else measure(run, args) for run in prepared]
    for run in runs:
        if "measure" in run and not args.only and not args.quick:
            keep_history(run, info)
        run["history"] = history_of(run)
    info["total_seconds"] = round(time.perf_counter() - started, 1)
    (VAR / "results.json").write_text(json.dumps({"machine": info, "runs": runs}, default=str))
    Path(args.out).write_text(report.render(info, runs, quick=args.quick))
    log(f"wrote {args.out} in {info['total_seconds']} s")
    return 0
