"""nginx's access log, with the shipped configuration (docs/nginx-cluster.conf), prints every
request but never a one-time link's token: a tiny nginx on a free loopback port, its nodes
down (each request answers 502 and is logged all the same). `make cluster-test` checks the same
after the whole journey; this runs wherever nginx is installed (scripts/cluster-deps.sh)."""

from __future__ import annotations

import http.client
import secrets
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)

pytestmark = pytest.mark.skipif(
    NGINX is None or shutil.which("openssl") is None, reason="nginx (and openssl) not installed"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def nginx(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    (tmp_path / "logs").mkdir()
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=127.0.0.1", "-keyout", str(tmp_path / "key.pem")),
            *("-out", str(tmp_path / "cert.pem")),
        ],
        check=True,
        capture_output=True,
    )
    port = free_port()
    conf = (ROOT / "docs" / "nginx-cluster.conf").read_text()
    for placeholder, value in {
        "@PREFIX@": str(tmp_path),
        "@LISTEN@": str(port),
        "@NODE1@": str(free_port()),
        "@NODE2@": str(free_port()),
    }.items():
        conf = conf.replace(placeholder, value)
    (tmp_path / "nginx.conf").write_text(conf)
    argv = [str(NGINX), "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]
    checked = subprocess.run([*argv, "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    server = subprocess.Popen([*argv, "-g", "daemon off;"], stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.05)
        yield port, tmp_path / "logs" / "access.log"
    finally:
        server.terminate()
        server.wait(timeout=10)


def get(port: int, path: str) -> int:
    context = ssl._create_unverified_context()  # noqa: S323 — nginx's throwaway certificate
    connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=10)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    finally:
        connection.close()


def logged(access_log: Path, expected: int) -> list[str]:
    """The log's lines once it has `expected` of them (nginx writes a line after answering)."""
    deadline = time.monotonic() + 5
    while len(lines := access_log.read_text().splitlines()) < expected:
        if time.monotonic() > deadline:
            break
        time.sleep(0.02)
    return lines


def test_the_access_log_prints_each_request_without_one_time_tokens(
    nginx: tuple[int, Path],
) -> None:
    # given one-time links of each shape, with a long and a short token, and secrets in queries
    port, access_log = nginx
    long, short = secrets.token_urlsafe(32), "Sh0rtT0ken"
    portal = "/portal/acme/"
    sent = {
        f"{portal}d/{long}": f"{portal}d/[redacted]",
        f"{portal}d/{short}/renew": f"{portal}d/[redacted]/renew",
        f"{portal}invitation/{short}": f"{portal}invitation/[redacted]",
        f"{portal}password/reset/{short}?next=/x": f"{portal}password/reset/[redacted]?next=/x",
        f"{portal}links/{short}/renew": f"{portal}links/[redacted]/renew",
        f"{portal}account/email/confirm/{short}": f"{portal}account/email/confirm/[redacted]",
        f"/api/v1/anything/{long}/more": "/api/v1/anything/[redacted]/more",
        f"{portal}login?next=/a&Token={short}&b=2": f"{portal}login?[redacted]",
        # what carries no secret is printed as it came
        f"{portal}invoices/3fa85f64-5717-4562-b3fc-2c963f66afa6?page=2": (
            f"{portal}invoices/3fa85f64-5717-4562-b3fc-2c963f66afa6?page=2"
        ),
    }
    # when each is requested through nginx
    for path in sent:
        assert get(port, path) == 502  # the nodes are down; the request is logged all the same
    # then the log has one line per request, each address as redacted, and no token anywhere
    lines = logged(access_log, len(sent))
    assert len(lines) == len(sent)
    for line, shown in zip(lines, sent.values(), strict=True):
        assert f'"GET {shown} HTTP/1.1" 502' in line
    assert not any(long in line or short in line for line in lines)
