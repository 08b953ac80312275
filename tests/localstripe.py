"""The localstripe server for the Stripe tests: started once per test session on a free loopback
port (only when a test asks for it), stopped at the end. The stripe library and the hosted
fields' Stripe.js are pointed at it through settings (STRIPE_API_BASE, STRIPE_JS_URL)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from portico.orgs.models import GatewayAccount, Organisation

ROOT = Path(__file__).resolve().parents[1]
PUBLISHABLE_KEY = "pk_test_portico0localstripe0publishable"
SECRET_KEY = "sk_test_portico0localstripe0secret0key"
OTHER_SECRET_KEY = "sk_test_portico0localstripe0other0account"
WEBHOOK_SECRET = "whsec_portico0localstripe0webhook0secret"


@dataclass(frozen=True)
class LocalStripe:
    url: str

    @property
    def js_url(self) -> str:
        return f"{self.url}/js.stripe.com/v3/"

    def register_webhook(self, name: str, url: str, secret: str, events: list[str]) -> None:
        """localstripe's own webhook delivery: events go to `url`, signed with `secret`."""
        body = "&".join(
            [f"url={url}", f"secret={secret}", *(f"events[]={event}" for event in events)]
        ).encode()
        request = urllib.request.Request(  # noqa: S310 — a loopback test server
            f"{self.url}/_config/webhooks/{name}", data=body, method="POST"
        )
        urllib.request.urlopen(request, timeout=5).close()  # noqa: S310


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen[bytes], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    request = urllib.request.Request(  # noqa: S310
        f"{url}/v1/balance", headers={"Authorization": f"Bearer {SECRET_KEY}"}
    )
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("localstripe exited while starting")
        try:
            urllib.request.urlopen(request, timeout=1).close()  # noqa: S310
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    raise RuntimeError("localstripe did not start in time")


@pytest.fixture(scope="session")
def localstripe_server() -> Iterator[LocalStripe]:
    port = _free_port()
    env = {
        **os.environ,
        "LOCALSTRIPE_SECRET_KEYS": f"{SECRET_KEY},{OTHER_SECRET_KEY}",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.localstripe_server", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = LocalStripe(url=f"http://127.0.0.1:{port}")
    try:
        _wait_until_up(server.url, process)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def localstripe(localstripe_server: LocalStripe, settings: Any) -> LocalStripe:
    settings.STRIPE_API_BASE = localstripe_server.url
    settings.STRIPE_JS_URL = localstripe_server.js_url
    return localstripe_server


@pytest.fixture
def stripe_account(org: Organisation, localstripe: LocalStripe) -> GatewayAccount:
    return GatewayAccount.objects.create(
        organisation=org,
        kind="stripe",
        display_name="Stripe",
        publishable_key=PUBLISHABLE_KEY,
        secret_key=SECRET_KEY,
        webhook_secret=WEBHOOK_SECRET,
        currencies="USD,EUR,JPY",
        minimum_amount=Decimal("0.50"),
        required_address_fields="",
    )
