"""gunicorn for one Portico node: `gunicorn -c gunicorn.conf.py portico.wsgi` (docs/deployment.md).

Every value can be changed from the environment, so the same file serves every node."""

from __future__ import annotations

import multiprocessing
import os

# Loopback by default: nginx in front on the same machine; set GUNICORN_BIND=0.0.0.0:8000 (or a
# private address) when the proxy is elsewhere.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Threaded workers: requests are short (PDFs and email run in the task worker), and a thread
# keeps its connection alive and overlaps its database wait with the other thread's Python.
# `make bench` compares gunicorn sync, gthread and granian on the same pages (docs/benchmarks.md,
# "Application servers", issue 18): sync and gthread serve about as many pages, granian (WSGI,
# one blocking thread per worker) about a third more. GUNICORN_WORKER_CLASS=sync for one
# request per process.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
workers = int(os.environ.get("GUNICORN_WORKERS", str(min(2 * multiprocessing.cpu_count() + 1, 9))))
# A request that takes longer is killed and logged; the statement timeout ends its query first.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Restart each worker now and then, so a slow leak never takes a node down. Not too often: a
# busy worker serves several hundred pages a second, and each new one starts from the master's
# warmed-up copy (`when_ready`) but opens its database connection and compiles its queries again.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = 2000
# The app is imported once, before the workers fork: faster starts, shared memory.
preload_app = True
# Heartbeat files in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
# nginx on the same machine sets X-Forwarded-For / -Proto; the client address itself is read by
# portico.core.client_ip from TRUSTED_PROXIES, not by gunicorn.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_fork(server: object, worker: object) -> None:
    """Connections opened while preloading must not be shared between forked workers."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.close()


# One control socket per machine by default; nodes sharing a machine must not share it.
control_socket_disable = True


def when_ready(server: object) -> None:
    """Before the first worker is forked, do in the master what each worker's first request
    would: the migrations (for /readyz), the URLconf, the catalogs and the templates
    (`portico.core.warmup`), so that no worker, first or restarted, spends most of a second on
    its first page."""
    from django.db.migrations.loader import MigrationLoader

    from portico.core.warmup import warm_up

    MigrationLoader(None, ignore_no_migrations=True)
    warm_up()
