"""`portico web`: one web node — granian serving Portico's WSGI application (docs/deployment.md).

`make bench` compared gunicorn (sync and gthread) with granian on the same pages
(docs/benchmarks.md, "Application servers"): granian, two blocking threads per worker, served the
most pages a second. This process loads the application and warms it up (`portico.core.warmup`)
once, then forks the workers, so a new or replaced worker starts with the URLconf, the catalogs
and the compiled templates in memory. Every option can be set from the environment, so one
systemd unit serves every node.
"""

from __future__ import annotations

import gc
import importlib
import multiprocessing
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from granian import Granian
from granian.constants import HTTPModes, Interfaces
from granian.http import HTTP1Settings
from granian.log import LogLevels

from portico.core.config import env_bool, env_int, env_str
from portico.core.warmup import warm_up

DEFAULT_WORKERS = min(2 * multiprocessing.cpu_count() + 1, 9)
NUMBERS = (
    # option, environment variable, default, minimum, what it is
    ("--workers", "WEB_WORKERS", DEFAULT_WORKERS, 1,
     "Worker processes: 2 × cores + 1 by default, at most 9"),
    ("--threads", "WEB_THREADS", 2, 1,
     "Threads running requests in each worker: one request's database wait overlaps the "
     "other's Python"),
    ("--lifetime", "WEB_WORKER_LIFETIME", 86400, 0,
     "Seconds after which a worker is replaced by a fresh one, so a slow leak never takes a "
     "node down; 0: never, else at least 60"),
    ("--max-rss", "WEB_WORKER_MAX_MIB", 1024, 0,
     "A worker using more memory (MiB) is replaced; 0: no limit"),
    ("--graceful-timeout", "WEB_GRACEFUL_TIMEOUT", 30, 1,
     "Seconds a stopping worker gets to finish its requests"),
)  # fmt: skip


def split_bind(bind: str) -> tuple[str, int]:
    """`host:port` (an IPv6 host in brackets) → (host, port), or a CommandError naming it."""
    host, _, port = bind.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise CommandError(f"--bind (WEB_BIND) must be host:port, not {bind!r}.")
    return host.strip("[]"), int(port)


class Command(BaseCommand):
    help = (
        "Serve Portico over HTTP with granian (WSGI): the application is loaded and warmed up "
        "once, then the workers are forked."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind",
            default=env_str("WEB_BIND", "127.0.0.1:8000"),
            help="host:port to listen on (WEB_BIND; loopback by default, nginx in front).",
        )
        for flag, variable, default, minimum, meaning in NUMBERS:
            parser.add_argument(
                flag,
                type=int,
                default=env_int(variable, default, minimum=minimum),
                help=f"{meaning} ({variable}, default {default}).",
            )
        parser.add_argument(
            "--access-log",
            action="store_true",
            default=env_bool("WEB_ACCESS_LOG", False),
            help="Log every request (WEB_ACCESS_LOG). Off by default: nginx logs them with "
            "one-time links' tokens redacted; this log would print them.",
        )
        parser.add_argument(
            "--application",
            default="portico.wsgi:application",
            help="The WSGI application to serve (module:attribute).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        host, port = split_bind(options["bind"])
        lifetime = options["lifetime"]
        if 0 < lifetime < 60:
            raise CommandError("--lifetime (WEB_WORKER_LIFETIME) must be 0 or at least 60.")
        level = log_level()
        warm(options["application"])
        server = Granian(
            options["application"],
            address=host,
            port=port,
            interface=Interfaces.WSGI,
            http=HTTPModes.http1,
            http1_settings=HTTP1Settings(keep_alive=True),
            websockets=False,
            workers=options["workers"],
            blocking_threads=options["threads"],
            respawn_failed_workers=True,
            workers_lifetime=lifetime or None,
            workers_max_rss=options["max_rss"] or None,
            workers_kill_timeout=options["graceful_timeout"],
            log_level=level,
            log_access=options["access_log"],
        )
        server.serve()


def log_level() -> LogLevels:
    name = env_str("LOG_LEVEL", "INFO")
    try:
        return LogLevels(name.lower())
    except ValueError:
        raise CommandError(f"LOG_LEVEL must be a level such as INFO, not {name!r}.") from None


def warm(application: str) -> None:
    """Before the first worker is forked, do here what each worker's first request would: load
    the application, the migrations (for /readyz), the URLconf, the catalogs and the templates;
    close what opened a database connection, which the forked workers must not share. Then
    freeze what was loaded out of the garbage collector's passes (Python's advice for a server
    that forks): a worker's collections walk only what its requests made (3-6 % of a portal
    page's time), and never write to the pages it shares with its parent."""
    importlib.import_module(application.partition(":")[0])
    MigrationLoader(None, ignore_no_migrations=True)
    warm_up()
    for connection in connections.all(initialized_only=True):
        connection.close()
    gc.collect()
    gc.freeze()
