"""The dependency audit (`make audit`, and its imported-only run in `make test`): what fails
it, and that an audit that could not ask its service says so and never fails."""

from __future__ import annotations

import json
from typing import Any

import pytest

from scripts import dependency_audit as audit


def pip_audit_json(*dependencies: dict[str, Any]) -> str:
    return json.dumps({"dependencies": list(dependencies), "fixes": []})


def vulnerable(name: str, *, fixes: list[str], ident: str = "GHSA-xxxx-yyyy-zzzz") -> dict:
    return {
        "name": name,
        "version": "1.0",
        "vulns": [{"id": ident, "aliases": ["CVE-2026-0001"], "fix_versions": fixes}],
    }


def test_portico_imports_django_and_its_runtime_dependencies_but_not_the_test_tools() -> None:
    imported = audit.imported_distributions(audit.imported_modules())
    assert {"django", "django-axes", "stripe", "argon2-cffi", "psycopg"} <= imported
    assert not {"pytest", "localstripe", "moto", "pip-audit"} & imported


def test_a_fixed_advisory_in_an_imported_package_fails() -> None:
    report = audit.read_report(
        pip_audit_json(vulnerable("Django", fixes=["5.2.99"])), imported={"django"}
    )
    assert [finding.package for finding in report.failing] == ["django"]


@pytest.mark.parametrize(
    ("dependency", "accepted"),
    [
        (vulnerable("moto", fixes=["9.9"]), {}),  # a test tool, not imported by Portico
        (vulnerable("django", fixes=[]), {}),  # no fixed release to move to yet
        (vulnerable("django", fixes=["5.2.99"]), {"CVE-2026-0001": "we never call it"}),
    ],
)
def test_findings_that_are_printed_but_do_not_fail(dependency: dict, accepted: dict) -> None:
    report = audit.read_report(
        pip_audit_json(dependency), imported={"django"}, accepted_ids=accepted
    )
    assert len(report.findings) == 1
    assert report.failing == []


def test_when_the_service_knew_no_package_the_audit_says_nothing_was_audited() -> None:
    skipped = {"name": "django", "skip_reason": "Dependency not found on PyPI"}
    report = audit.read_report(pip_audit_json(skipped), imported={"django"})
    assert report.audited == 0
    assert "nothing was audited" in report.notice


def test_offline_the_audit_prints_a_notice_and_passes(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(
        audit, "run_pip_audit", lambda wanted, timeout: (None, "ConnectionError: no network")
    )
    assert audit.main(["--imported-only"]) == 0
    assert "NOTICE: dependency audit not done: ConnectionError" in capsys.readouterr().out


def test_an_exploitable_finding_fails_the_run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    found = pip_audit_json(vulnerable("django", fixes=["5.2.99"]))
    monkeypatch.setattr(audit, "run_pip_audit", lambda wanted, timeout: (found, ""))
    assert audit.main(["--imported-only"]) == 1
    assert "django 1.0: GHSA-xxxx-yyyy-zzzz (CVE-2026-0001); fixed in 5.2.99 [FAIL]" in (
        capsys.readouterr().out
    )


def test_the_lock_pins_pip_audit_and_the_accepted_list_names_a_reason_for_each_line() -> None:
    assert "pip-audit" in audit.pins(audit.LOCK)
    for reason in audit.accepted().values():
        assert reason, "each accepted advisory says why it does not apply"
