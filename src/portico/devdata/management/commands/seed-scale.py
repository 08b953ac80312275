"""`portico seed-scale`: an organisation at benchmark scale, fast, with a consistent ledger."""

from __future__ import annotations

from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from portico.devdata import scale


class Command(BaseCommand):
    help = (
        "Generate customers, invoices, payments, estimates, projects and time entries in bulk "
        "(one transaction; numbering and ledger consistent). The first customer is the big one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        defaults = scale.ScaleSpec()
        parser.add_argument("--org", required=True, help="Organisation slug (created if missing).")
        parser.add_argument("--customers", type=int, default=defaults.customers)
        parser.add_argument(
            "--invoices-per-customer", type=int, default=defaults.invoices_per_customer
        )
        parser.add_argument(
            "--payments-per-customer", type=int, default=defaults.payments_per_customer
        )
        parser.add_argument(
            "--estimates-per-customer", type=int, default=defaults.estimates_per_customer
        )
        parser.add_argument("--big-invoices", type=int, default=defaults.big_invoices)
        parser.add_argument("--big-payments", type=int, default=defaults.big_payments)
        parser.add_argument("--big-estimates", type=int, default=defaults.big_estimates)
        parser.add_argument("--big-projects", type=int, default=defaults.big_projects)
        parser.add_argument("--big-time-entries", type=int, default=defaults.big_time_entries)
        parser.add_argument(
            "--small-time-entries",
            type=int,
            default=defaults.small_time_entries,
            help="Time entries on the small reference customer's one project (0: no project).",
        )
        parser.add_argument(
            "--size",
            type=int,
            choices=scale.SIZES,
            help="The big customer's invoices (payments in proportion, 2 for 5): the history "
            "sizes the benchmark compares. Overrides --big-invoices and --big-payments.",
        )
        parser.add_argument("--years", type=int, default=defaults.years)
        parser.add_argument("--currency", default=defaults.currency)
        parser.add_argument(
            "--password",
            default="",
            help="Portal password of the big and small customers' persons (default: random).",
        )
        parser.add_argument("--seed", type=int, default=defaults.seed)
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        spec = scale.ScaleSpec(
            customers=options["customers"],
            invoices_per_customer=options["invoices_per_customer"],
            payments_per_customer=options["payments_per_customer"],
            estimates_per_customer=options["estimates_per_customer"],
            big_invoices=options["big_invoices"],
            big_payments=options["big_payments"],
            big_estimates=options["big_estimates"],
            big_projects=options["big_projects"],
            big_time_entries=options["big_time_entries"],
            small_time_entries=options["small_time_entries"],
            years=options["years"],
            currency=options["currency"],
            password=options["password"],
            seed=options["seed"],
        )
        if options["size"]:
            spec = scale.sized(spec, options["size"])
        console = Console(file=cast(IO[str], self.stdout))
        progress = Progress(
            TextColumn("{task.description:<18}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            disable=options["no_progress"] or options["verbosity"] == 0,
        )
        tasks: dict[str, Any] = {}

        def advance(label: str, count: int) -> None:
            if label not in tasks:
                tasks[label] = progress.add_task(label, total=None)
            progress.advance(tasks[label], count)

        with progress:
            result = scale.seed_scale(slug=options["org"], spec=spec, progress=advance)
        if options["verbosity"] == 0:
            return
        table = Table(title=f"Seeded {result.organisation.slug} in {result.seconds:.1f} s")
        table.add_column("rows")
        table.add_column("count", justify="right")
        for name, count in result.counts.items():
            table.add_row(name, f"{count:,}")
        console.print(table)
        console.print(f"big customer:   {result.big_contact} → portal login {result.big_email}")
        console.print(f"small customer: {result.small_contact} → portal login {result.small_email}")
