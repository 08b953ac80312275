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


def when_ready(server: object) -> None:
    """What `portico web` does before forking: the migrations (for /readyz), the URLconf, the
    catalogs and the templates, then every database connection closed, so that no forked worker
    shares one."""
    from portico.core.management.commands.web import warm

    warm("bench.wsgi")
