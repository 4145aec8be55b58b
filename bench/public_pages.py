"""How fast the public pages are for visitors who are not signed in, against a static file.

    .venv/bin/python bench/public_pages.py [--clients 64] [--seconds 8] [--workers 3]

Makes a database of its own (hyvakaytanto_bench), fills it with the archive and a published
demo year (finalists, votes, results), and starts gunicorn with the production settings.
Then, from a separate process with C concurrent clients (closed loop, a new connection per
request as gunicorn's sync workers close them), it asks for one address at a time: a static
file, /, /finalistit/, one finalist's page, /arkisto/, /arkisto/<year>/ and /tulokset/<year>/.
It prints each one's rate and p99 and its rate as a share of the static file's, twice: as
served (public pages kept briefly in each process, core/caching.py) and rendered on
every request (PUBLIC_PAGE_CACHE_SECONDS=0), in one run.
"""

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.vote_load import (
    Connection,
    Phase,
    address_of,
    django_setup,
    drive,
    free_port,
    p99,
    rate,
    recreate_database,
    run_phase,
)

TARGET_SHARE = 0.25


def prepare() -> list[list[str]]:
    """The database, and the pages to ask for: [label, path]."""
    from django.core.management import call_command
    from django.db import connection
    from django.test import override_settings

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    from core.enums import Phase as YearPhase
    from hyvakaytanto.demo import demo_year_build
    from jury.models import Finalist
    from voting.queries import finalist_slug

    # The demo builder refuses to run with DEBUG off (its accounts have published passwords);
    # here it only fills the throwaway database, and the server runs with DEBUG off.
    with override_settings(DEBUG=True):
        demo = demo_year_build(phase=YearPhase.PUBLISHED)
    year = demo.competition.year
    finalists = list(
        Finalist.objects.filter(nomination__competition=demo.competition).select_related(
            "nomination"
        )
    )
    slug = finalist_slug(finalists[0], finalists)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    pages = [
        ["static file", "/static/css/site.css"],
        ["/", "/"],
        ["/finalistit/", "/finalistit/"],
    ]
    pages.append(["finalist's page", f"/finalistit/{slug}/"])
    pages += [
        ["/arkisto/", "/arkisto/"],
        [f"/arkisto/{year}/", f"/arkisto/{year}/"],
        [f"/tulokset/{year}/", f"/tulokset/{year}/"],
    ]
    return pages


async def generate_all(args, plan: dict) -> dict:
    # Each worker imports, connects and fills its caches on its first requests: a warm-up of
    # every page first, not counted, so that the first page measured is not the cold one.
    warm = Phase()

    async def warm_up(number, deadline):
        connection = Connection(plan["port"], keep_alive=False)
        sent = 0
        while time.perf_counter() < deadline:
            _label, path = plan["pages"][(number + sent) % len(plan["pages"])]
            await connection.request("GET", path, address_of(number))
            sent += 1

    await run_phase(plan, warm, args.clients, 3, warm_up)
    results = {}
    for label, path in plan["pages"]:
        phase = Phase()

        async def visitor(number, deadline, path=path, phase=phase):
            connection = Connection(plan["port"], keep_alive=False)
            while time.perf_counter() < deadline:
                status, ms = await connection.request("GET", path, address_of(number))
                phase.record("page", status, ms)

        results[label] = await run_phase(plan, phase, args.clients, args.seconds, visitor)
    return results


def measure(plan: dict, args, *, page_cache: bool) -> dict:
    os.environ["PUBLIC_PAGE_CACHE_SECONDS"] = "5" if page_cache else "0"
    plan["port"] = free_port()
    return drive(__file__, plan, args, name="bench-pages")


def report(plan: dict, served: dict, rendered: dict, args) -> bool:
    print(
        f"\n{args.clients} clients, {args.workers} gunicorn workers, {args.seconds:.0f} s a page, "
        f"production settings, {os.cpu_count()} CPUs\n"
    )
    header = f"{'page':<18} {'req/s':>8} {'p99 ms':>8} {'share':>7}   {'rendered every time':>30}"
    print(header)
    print("-" * len(header))
    static = rate(served["static file"], "page")
    ok = True
    for label, _path in plan["pages"]:
        phase, fresh = served[label], rendered[label]
        statuses = set(phase["statuses"]["page"]) | set(fresh["statuses"]["page"])
        share = rate(phase, "page") / static if static else 0.0
        fresh_share = rate(fresh, "page") / static if static else 0.0
        if label != "static file" and share < TARGET_SHARE:
            ok = False
        print(
            f"{label:<18} {rate(phase, 'page'):8.0f} {p99(phase, 'page'):8.1f} {share:7.0%}   "
            f"{rate(fresh, 'page'):8.0f} req/s {p99(fresh, 'page'):7.1f} ms {fresh_share:5.0%}"
            + ("" if statuses == {200} else f"   statuses {sorted(statuses)}")
        )
        if statuses != {200}:
            ok = False
    verdict = "met" if ok else "MISSED"
    print(f"\nevery public page at {TARGET_SHARE:.0%} or more of the static file: {verdict}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--generate", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--plan", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        plan = json.loads(Path(args.plan).read_text())
        Path(args.result).write_text(json.dumps(asyncio.run(generate_all(args, plan))))
        return

    django_setup()
    recreate_database()
    plan = {"pages": prepare(), "postmaster": None}
    served = measure(plan, args, page_cache=True)
    rendered = measure(plan, args, page_cache=False)
    sys.exit(0 if report(plan, served, rendered, args) else 1)


if __name__ == "__main__":
    main()
