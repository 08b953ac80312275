"""`portico web`: bad settings are refused with the option's name before anything is served,
and what it loads before forking is frozen (serving itself is walked by the cluster test: two
`portico web` nodes behind nginx)."""

from __future__ import annotations

import gc

import pytest
from django.core.management import CommandError, call_command

from portico.core.management.commands.web import split_bind, warm


@pytest.mark.parametrize(
    ("bind", "address"),
    [("127.0.0.1:8000", ("127.0.0.1", 8000)), ("[::1]:8001", ("::1", 8001))],
)
def test_bind_is_a_host_and_a_port(bind: str, address: tuple[str, int]) -> None:
    assert split_bind(bind) == address


@pytest.mark.parametrize("bind", ["8000", "localhost", "localhost:http", "0.0.0.0:70000"])
def test_a_bind_without_a_port_is_refused_by_name(bind: str) -> None:
    with pytest.raises(CommandError, match="WEB_BIND"):
        split_bind(bind)


def test_a_worker_lifetime_under_a_minute_is_refused_before_serving() -> None:
    with pytest.raises(CommandError, match="WEB_WORKER_LIFETIME"):
        call_command("web", bind="127.0.0.1:8000", lifetime=30)


def test_an_unknown_log_level_is_refused_before_serving(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "LOUD")
    with pytest.raises(CommandError, match="LOG_LEVEL"):
        call_command("web", bind="127.0.0.1:8000")


def test_what_warm_loaded_is_kept_out_of_the_collectors_passes() -> None:
    """`portico web` (and the bench's gunicorn) warm up before forking: everything loaded then
    is frozen, so the workers' collections walk only what their requests make."""
    try:
        warm("portico.wsgi")
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
