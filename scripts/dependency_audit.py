"""Dependency audit: pip-audit against requirements.lock (docs/security.md).

    python scripts/dependency_audit.py                  # every pin of the lock (make audit)
    python scripts/dependency_audit.py --imported-only  # the packages Portico imports (make test)

Prints every finding. Fails (exit 1) only on a known-exploitable issue in a package Portico
imports: an advisory with a fixed release, in a distribution whose modules `src/portico` imports
(or names in its settings), not accepted in scripts/audit-accepted.txt with a reason. Never fails
because the vulnerability service cannot be reached (offline, DNS, a mirror without PyPI's
per-release JSON API): it says so and exits 0, so an audit that audited nothing never looks green.
"""

from __future__ import annotations

import argparse
import ast
import importlib.metadata
import json
import os
import re
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
SOURCES = ROOT / "src" / "portico"
ACCEPTED = ROOT / "scripts" / "audit-accepted.txt"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)")
MODULE_PATH = re.compile(r"^[a-z_][a-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(lock: Path) -> dict[str, str]:
    """`name -> version` of every `name==version` line of the lock."""
    found: dict[str, str] = {}
    for line in lock.read_text().splitlines():
        match = PIN.match(line.strip())
        if match:
            found[normalise(match.group(1))] = match.group(2)
    return found


def imported_modules(sources: Path = SOURCES) -> set[str]:
    """Top-level modules the code imports, and those its settings name as dotted strings
    (INSTALLED_APPS, MIDDLEWARE, backends): Django imports those for it."""
    modules: set[str] = set()
    for path in sources.rglob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
            elif (
                path.name == "settings.py"
                and isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and MODULE_PATH.match(node.value)
            ):
                # "axes", "unfold.contrib.filters", "csp.middleware.CSPMiddleware"…
                modules.add(node.value.split(".")[0])
    return modules


def imported_distributions(modules: set[str]) -> set[str]:
    """The installed distributions that provide `modules`, and the runtime dependencies of
    pyproject.toml (Django loads some for Portico: argon2, psycopg; granian serves it), normalised."""
    providers = importlib.metadata.packages_distributions()
    found = {normalise(dist) for module in modules for dist in providers.get(module, [])}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for requirement in project["dependencies"]:
        found.add(normalise(re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0]))
    return found


def accepted(path: Path = ACCEPTED) -> dict[str, str]:
    """Advisories judged not exploitable in Portico: `ID  reason` per line, # comments."""
    if not path.exists():
        return {}
    found: dict[str, str] = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            ident, _, reason = line.partition(" ")
            found[ident] = reason.strip()
    return found


@dataclass
class Finding:
    package: str
    version: str
    id: str
    aliases: list[str]
    fixes: list[str]
    imported: bool
    accepted_because: str = ""

    @property
    def fails(self) -> bool:
        return self.imported and bool(self.fixes) and not self.accepted_because


@dataclass
class Report:
    audited: int = 0
    skipped: int = 0
    findings: list[Finding] = field(default_factory=list)
    notice: str = ""

    @property
    def failing(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.fails]


def read_report(
    output: str, *, imported: set[str], accepted_ids: dict[str, str] | None = None
) -> Report:
    """pip-audit's JSON (`--format json`) judged by Portico's rule."""
    accepted_ids = accepted_ids or {}
    data = json.loads(output)
    report = Report()
    for dependency in data.get("dependencies", []):
        if "skip_reason" in dependency:
            report.skipped += 1
            continue
        report.audited += 1
        name = normalise(dependency["name"])
        for vuln in dependency.get("vulns", []):
            ids = [vuln["id"], *vuln.get("aliases", [])]
            matched = next((i for i in ids if i in accepted_ids), None)
            report.findings.append(
                Finding(
                    package=name,
                    version=dependency.get("version", ""),
                    id=vuln["id"],
                    aliases=list(vuln.get("aliases", [])),
                    fixes=list(vuln.get("fix_versions", [])),
                    imported=name in imported,
                    accepted_because=(accepted_ids[matched] or "accepted") if matched else "",
                )
            )
    if report.audited == 0 and report.skipped:
        report.notice = (
            f"nothing was audited: the vulnerability service knew none of the {report.skipped} "
            "packages (no network, or a PyPI mirror without the per-release JSON API)"
        )
    return report


def run_pip_audit(requirements: dict[str, str], *, timeout: float) -> tuple[str | None, str]:
    """pip-audit's JSON for these pins, or (None, why) when it could not ask its service."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("".join(f"{name}=={version}\n" for name, version in requirements.items()))
    command = [
        sys.executable,
        "-m",
        "pip_audit",
        "--requirement",
        handle.name,
        "--no-deps",
        "--disable-pip",
        "--format",
        "json",
        "--progress-spinner",
        "off",
        "--timeout",
        str(max(1, int(timeout / 2))),
        "--vulnerability-service",
        os.environ.get("AUDIT_SERVICE", "pypi"),
    ]
    try:
        done = subprocess.run(  # noqa: S603 (our own interpreter, fixed arguments)
            command, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return None, f"the vulnerability service did not answer within {timeout:g} s"
    finally:
        os.unlink(handle.name)
    if done.stdout.strip().startswith("{"):
        return done.stdout, ""
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    return None, (lines[-1] if lines else f"pip-audit exited with {done.returncode}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lock", type=Path, default=LOCK)
    parser.add_argument(
        "--imported-only", action="store_true", help="audit only what src/portico imports"
    )
    parser.add_argument("--timeout", type=float, default=60, help="seconds for the whole audit")
    options = parser.parse_args(argv)

    locked = pins(options.lock)
    imported = imported_distributions(imported_modules()) & set(locked)
    wanted = {n: v for n, v in locked.items() if n in imported} if options.imported_only else locked
    what = "packages Portico imports" if options.imported_only else "pinned packages"
    print(f"==> dependency audit: {len(wanted)} {what} of {options.lock.name} (pip-audit)")
    output, problem = run_pip_audit(wanted, timeout=options.timeout)
    if output is None:
        print(f"NOTICE: dependency audit not done: {problem}. Run `make audit` when online.")
        return 0
    report = read_report(output, imported=imported, accepted_ids=accepted())
    for finding in report.findings:
        verdict = (
            "FAIL"
            if finding.fails
            else f"accepted: {finding.accepted_because}"
            if finding.accepted_because
            else "not imported by Portico"
            if not finding.imported
            else "no fixed release yet"
        )
        fixes = ", ".join(finding.fixes) or "none"
        aliases = f" ({', '.join(finding.aliases)})" if finding.aliases else ""
        print(
            f"  {finding.package} {finding.version}: {finding.id}{aliases}; "
            f"fixed in {fixes} [{verdict}]"
        )
    if report.notice:
        print(f"NOTICE: {report.notice}. Run `make audit` where PyPI answers in full.")
        return 0
    print(
        f"    {report.audited} audited, {report.skipped} unknown to the service, "
        f"{len(report.findings)} advisories, {len(report.failing)} failing"
    )
    return 1 if report.failing else 0


if __name__ == "__main__":
    sys.exit(main())
