"""gunicorn as `make bench` runs it for the application-server comparison (issue 18): the
application loaded and warmed up once before the workers fork, as `portico web` does for
production with granian, and no worker restarted in the middle of a run. Workers, class and
bind come from the command line (bench/run.py)."""

from __future__ import annotations

preload_app = True
keepalive = 5
timeout = 60
worker_tmp_dir = "/dev/shm"  # noqa: S108 — heartbeat files in memory
accesslog = None
errorlog = "-"


def post_fork(server: object, worker: object) -> None:
    """Connections opened while preloading must not be shared between forked workers."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.close()


def when_ready(server: object) -> None:
    """What `portico web` does before forking: the migrations (for /readyz), the URLconf, the
    catalogs and the templates."""
    from portico.core.management.commands.web import warm

    warm("bench.wsgi")
