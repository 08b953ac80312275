"""Issue 18's flatness measured side by side: the big customer's portal pages in two seeded
databases of different sizes (5,000 and 50,000 invoices), in one process: in each round, each
page at one size and then at the other (which goes first alternates), so that both sizes of a
page are measured on the same machine within a second of each other.

Run by `bench.run` (`--alongside`) in a subprocess with the measured database's settings; the
other database is the same engine's, named by `--other` (a SQLite file or a PostgreSQL
database on the same server). Between the databases the connection is closed and reopened and
the cache emptied; each page is requested a few times before it is timed again, so that the
driver's prepared statements and PostgreSQL's plans are warm for both sizes alike.
"""

from __future__ import annotations

import argparse
import datetime
import json
import logging
import statistics
import time
from typing import Any

WARM = 8
"""Requests per page after a switch, untimed: psycopg prepares a statement at its 3rd run and
PostgreSQL weighs a reused plan after 5 runs of the prepared one."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.flat")
    parser.add_argument("--org", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--other", required=True, help="the other size's database NAME")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--requests", type=int, default=10, help="timed requests per round")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)

    import django

    django.setup()
    logging.getLogger("axes").setLevel(logging.WARNING)
    from django.core.cache import cache
    from django.db import connection
    from django.utils import timezone

    from bench.pages import (
        PAGES,
        QueryLog,
        logging_queries,
        objects_of,
        page_url,
        portal_url_params,
        primary_person,
        signed_in,
        size_of,
    )
    from portico.contacts.models import Contact
    from portico.core.tasks import planner_statistics_refresh
    from portico.orgs.models import Organisation
    from portico.sales.models import Invoice

    names = [connection.settings_dict["NAME"], args.other]

    def use(name: str) -> None:
        connection.close()
        connection.settings_dict["NAME"] = name
        cache.clear()

    today = timezone.localdate()
    params = portal_url_params()
    sides: dict[str, dict[str, Any]] = {}
    for name in names:
        use(name)
        planner_statistics_refresh()
        org = Organisation.objects.get(slug=args.org)
        big = Contact.objects.get(organisation=org, display_name__startswith="Bigcorp")
        client = signed_in(org.slug, primary_person(big), args.password)
        objects = objects_of(big)
        urls = {}
        for page in PAGES:
            url = page_url(page, org_slug=org.slug, objects=objects, params=params, today=today)
            if url:
                urls[page.label] = url
        sides[name] = {
            "client": client,
            "urls": urls,
            "invoices": Invoice.objects.filter(contact=big).count(),
            "times": {label: [] for label in urls},
            "cpu": {label: [] for label in urls},
            "queries": {},
        }

    labels = [label for label in sides[names[0]]["urls"] if label in sides[names[1]]["urls"]]
    for round_ in range(args.rounds):
        for index, label in enumerate(labels):
            # Each page's two sizes back to back, the first one in turn: a slow stretch of the
            # shared machine falls on both sizes of a page, not on one size's every page.
            for name in names if (round_ + index) % 2 == 0 else names[::-1]:
                use(name)
                side = sides[name]
                client, url = side["client"], side["urls"][label]
                for _ in range(WARM):
                    client.get(url)
                if label not in side["queries"]:
                    captured = QueryLog()
                    with logging_queries(captured):
                        client.get(url)
                    side["queries"][label] = len(captured)
                for _ in range(args.requests):
                    started, cpu_started = time.perf_counter(), time.thread_time()
                    client.get(url)
                    side["times"][label].append(time.perf_counter() - started)
                    side["cpu"][label].append(time.thread_time() - cpu_started)
        print(f"  flatness: round {round_ + 1} of {args.rounds} done", flush=True)

    found = {}
    for name in names:
        side = sides[name]
        found[size_of(side["invoices"])] = {
            "invoices": side["invoices"],
            "side_by_side": {"rounds": args.rounds, "requests": args.requests},
            "date": str(datetime.datetime.now(datetime.UTC)),
            "pages": [
                {
                    "label": label,
                    "big": {
                        "median_ms": round(statistics.median(times) * 1000, 2),
                        "cpu_median_ms": round(statistics.median(side["cpu"][label]) * 1000, 2),
                        "queries": side["queries"][label],
                        "n": len(times),
                    },
                }
                for label, times in side["times"].items()
                if times
            ],
        }
    with open(args.out, "w") as out:
        json.dump(found, out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
