"""Issue 18's targets in one table per database: the figure the issue was filed with (before),
this run's figure (after), and whether the target is met."""

from __future__ import annotations

import statistics
from typing import Any

GROWTH_LIMIT = 0.20  # issue 18: a page's median grows ≤ 20 % from 5,000 to 50,000 invoices
# Issue 18's in-process medians (big customer), by the page label's start.
PAGE_TARGETS_MS: tuple[tuple[str, float], ...] = (
    ("Home", 5.0),
    ("Account", 5.0),
    ("Statement PDF request", 1000.0),  # issue 18: no PDF request holds a worker over 1 s
    ("Statement PDF", 0.0),  # a PDF: its own budget below
    ("Statement", 15.0),
    ("Invoice detail", 6.0),
    ("Estimate detail", 6.0),
    ("Payment detail", 6.0),
    ("Invoices list", 7.0),
    ("Estimates list", 7.0),
    ("Payments list", 7.0),
    ("Timesheets list", 7.0),
)
BEFORE = (  # the pages in the scorecard, with the figure before ("–": none given)
    ("Home", "30–47 ms (the pages measured)"),
    ("Invoice detail", "30–47 ms"),
    ("Estimate detail", "–"),
    ("Payment detail", "–"),
    ("Invoices list", "30–47 ms"),
    ("Estimates list", "30–47 ms"),
    ("Payments list", "–"),
    ("Timesheets list", "–"),
    ("Statement, last 12 months", "–"),
    ("Statement, whole history", "–"),
    ("Account", "–"),
)
HTTP_TARGETS = (  # (label, ratio of /bench/ping, before)
    ("Home", 0.50, "10 %"),
    ("Invoice detail", 0.50, "14 %"),
    ("Invoices list", 0.40, "9 %"),
)


def page_target(label: str) -> float | None:
    """Issue 18's median for the page (None: the older DESIGN.md §8 budget applies)."""
    for start, target in PAGE_TARGETS_MS:
        if label.startswith(start):
            return target or None
    return None


def _mark(ok: bool | None) -> str:
    return "–" if ok is None else ("✓" if ok else "✗")


def _row(target: str, before: str, after: str, ok: bool | None) -> str:
    return f"| {target} | {before} | {after} | {_mark(ok)} |"


def _by_label(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["label"]: row for row in rows}


def _starting(rows: dict[str, dict[str, Any]], start: str) -> dict[str, Any] | None:
    return next((row for label, row in rows.items() if label.startswith(start)), None)


def scorecard(run: dict[str, Any], out: list[str]) -> None:
    measure = run["measure"]
    pages = {row["label"]: row["big"] for row in measure["pages"]}
    out += [
        "#### Issue 18's targets: before → after",
        "",
        "| target | before (as the issue was filed) | after (this run) | met |",
        "| --- | --- | --- | :---: |",
    ]
    floors = _by_label(measure.get("floors") or [])
    ping = _starting(floors, "Minimal")
    bare = _starting(floors, "Bare")
    if ping and bare and bare.get("median_ms"):
        ratio = ping["median_ms"] / bare["median_ms"]
        out.append(
            _row(
                "`/bench/ping` within 1.5× of a bare Django logged-in page",
                "4 ms vs ~1.2 ms (3.3×)",
                f"{ping['median_ms']:.1f} vs {bare['median_ms']:.1f} ms ({ratio:.2f}×)",
                ratio <= 1.5,
            )
        )
    for start, before in BEFORE:
        page = pages.get(start) or _starting(pages, start)
        target = page_target(start)
        if not page or page.get("median_ms") is None or target is None:
            continue
        out.append(
            _row(
                f"{start} ≤ {target:g} ms in-process (median)",
                before,
                f"{page['median_ms']:.1f} ms ({page.get('cpu_median_ms', 0):.1f} CPU), "
                f"{page['queries']} queries",
                page["median_ms"] <= target,
            )
        )
    _http(run, out)
    _flat(run, out)
    _pdfs(measure, out)
    _writes(measure, out)
    out += [
        "",
        "Before: the figures issue 18 was filed with (the same kind of machine, PostgreSQL). "
        "After: this run, on this database; each target is judged on the wall-clock median "
        "as the issue states it.",
        "",
    ]


def _http(run: dict[str, Any], out: list[str]) -> None:
    http = _by_label((run.get("http") or {}).get("pages") or [])
    ping = _starting(http, "Minimal")
    if not ping or not ping.get("rps"):
        return
    for label, target, before in HTTP_TARGETS:
        page = http.get(label)
        if not page or not page.get("rps"):
            continue
        found = ratio(page, ping)
        out.append(
            _row(
                f"{label} over HTTP ≥ {target:.0%} of `/bench/ping` (gunicorn sync)",
                before,
                f"{found:.0%} ({page['rps']:,.0f} of {ping['rps']:,.0f} req/s)",
                found >= target,
            )
        )


def ratio(page: dict[str, Any], ping: dict[str, Any]) -> float:
    """A page's throughput as a share of the minimal page's: the median of each round's
    ratio (the two measured minutes apart at most), else of the median runs."""
    rounds = [
        mine / floor
        for mine, floor in zip(page.get("rounds") or [], ping.get("rounds") or [], strict=False)
        if mine and floor
    ]
    return statistics.median(rounds) if rounds else float(page["rps"]) / float(ping["rps"])


def _flat(run: dict[str, Any], out: list[str]) -> None:
    sizes = run.get("history") or {}
    if 5000 not in sizes or 50000 not in sizes:
        out.append(_row("Flat in history (5,000 → 50,000)", "–", "not both sizes run", None))
        return
    base = {row["label"]: row["big"] for row in sizes[5000]["pages"]}
    top = {row["label"]: row["big"] for row in sizes[50000]["pages"]}
    grown, same_queries, judged = [], True, 0
    for label, big in top.items():
        if label not in base or not big.get("median_ms") or not base[label].get("median_ms"):
            continue
        judged += 1
        same_queries &= big.get("queries") == base[label].get("queries")
        change = big["median_ms"] / base[label]["median_ms"] - 1
        if change > GROWTH_LIMIT:
            grown.append(f"{label} {change:+.0%}")
    after = (
        f"{judged - len(grown)} of {judged} pages within +20 %"
        + (f" (not: {', '.join(grown)})" if grown else "")
        + ("; query counts identical" if same_queries else "; query counts differ")
    )
    out.append(
        _row(
            "Each page's median grows ≤ 20 % from 5,000 to 50,000 invoices, same queries",
            "home re-aggregated the history on every view",
            after,
            not grown and same_queries,
        )
    )


def _pdfs(measure: dict[str, Any], out: list[str]) -> None:
    pdf = _by_label(measure.get("pdf") or [])
    fresh = _starting(pdf, "Invoice PDF, first")
    cached = _starting(pdf, "Invoice PDF, same")
    render = _starting(pdf, "Statement PDF render")
    asked = _starting(pdf, "Statement PDF request")
    if fresh:
        out.append(
            _row(
                "A fresh one-page invoice PDF ≤ 150 ms",
                "met on SQLite; 203 ms on PostgreSQL",
                f"{fresh['median_ms']:.0f} ms",
                fresh["median_ms"] <= 150,
            )
        )
    if cached:
        out.append(
            _row(
                "The same invoice PDF again ≤ 10 ms",
                "met",
                f"{cached['median_ms']:.1f} ms",
                cached["median_ms"] <= 10,
            )
        )
    if asked:
        out.append(
            _row(
                "No PDF request holds a worker > 1 s (a 16-page statement)",
                "3.3–5.3 s inside the request",
                f"{asked['median_ms']:.0f} ms (queued for a worker)",
                asked["median_ms"] <= 1000,
            )
        )
    if render and render.get("ms_per_page") is not None:
        out.append(
            _row(
                "Statement PDF rendering ≤ 120 ms a page",
                "–",
                f"{render['ms_per_page']:.0f} ms a page ({render.get('cpu_ms_per_page', 0):.0f} "
                f"CPU), {render.get('pages')} pages",
                render["ms_per_page"] <= 120,
            )
        )


def _writes(measure: dict[str, Any], out: list[str]) -> None:
    for row in measure.get("writes") or []:
        if row.get("median_ms") is None:
            continue
        out.append(
            _row(
                f"{row['label']} ≤ 15 ms in-process",
                "–",
                f"{row['median_ms']:.1f} ms ({row.get('cpu_median_ms', 0):.1f} CPU), "
                f"{row.get('queries', '–')} queries",
                row["median_ms"] <= 15,
            )
        )
    found = measure.get("checkouts") or {}
    if found.get("per_second"):
        out.append(
            _row(
                f"Checkouts per second, {found.get('payers')} concurrent payers (reported)",
                "11–14 (PostgreSQL)",
                f"{found['per_second']:,.1f}",
                None,
            )
        )
    bulk = measure.get("bulk_enable") or {}
    if bulk.get("seconds") is not None:
        out.append(
            _row(
                f"Bulk portal enable, {bulk.get('persons', 0):,} persons (reported)",
                "1.7–2.8 s",
                f"{bulk['seconds']} s",
                None,
            )
        )
