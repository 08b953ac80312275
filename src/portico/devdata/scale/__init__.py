"""Seed an organisation at benchmark scale: thousands of customers, years of history.

The seeder skips the per-document services (one locked numbering row and a dozen queries per
invoice would take an hour at this scale) and writes rows in bulk instead, keeping every rule
those services keep:

- totals come from `portico.core.money` (line amounts, document totals, taxes);
- document numbers are taken as one block per kind from the same `NumberSequence` row the
  services lock, so numbers are gap-free and later documents continue after the block;
- every change to what a customer owes gets its customer-ledger posting (invoice issued,
  payment, voided invoice reversed), so `portico ledger check` passes afterwards;
- statuses are reachable ones: paid invoices have allocations that sum to their totals,
  partially paid ones a smaller allocation, voided ones nothing.

Everything runs in one transaction: a failed run leaves no rows and no gaps behind.
"""

from __future__ import annotations

from portico.core.tasks import planner_statistics_refresh
from portico.devdata.scale.rows import reserve_numbers
from portico.devdata.scale.seeder import Seeder
from portico.devdata.scale.spec import SIZES, Progress, ScaleResult, ScaleSpec, no_progress, sized

__all__ = [
    "SIZES",
    "Progress",
    "ScaleResult",
    "ScaleSpec",
    "Seeder",
    "reserve_numbers",
    "seed_scale",
    "sized",
]


def seed_scale(*, slug: str, spec: ScaleSpec, progress: Progress = no_progress) -> ScaleResult:
    """Generate `spec` in organisation `slug` (created when missing), in one transaction; then
    the planner's statistics, as after any bulk load."""
    result = Seeder(spec, progress).run(slug=slug)
    planner_statistics_refresh()
    return result
