"""How long the garbage collector's full passes stop a warmed web worker, with and without
``gc.freeze()`` (hyvakaytanto/wsgi.py).

    .venv/bin/python bench/gc_pauses.py [--requests 3000]

Makes a database of its own (hyvakaytanto_bench) with a published demo year, loads the WSGI
application with the production settings as gunicorn does, and renders the public pages in
this process (each page rendered every time, not kept) through Django's test client. It
counts and times every full pass (generation 2) of the collector over the same number of
requests twice: as shipped, with the objects made while starting up out of the collector's
reach (frozen before the first request), then with them back in.
A worker that pauses stops every request queued behind it.
"""

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.vote_load import django_setup, recreate_database


def prepare() -> list[str]:
    from django.core.management import call_command
    from django.test import override_settings

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    from core.enums import Phase
    from hyvakaytanto.demo import demo_year_build

    # The demo builder refuses to run with DEBUG off (its accounts have published passwords);
    # here it only fills the throwaway database.
    with override_settings(DEBUG=True):
        year = demo_year_build(phase=Phase.PUBLISHED).competition.year
    return ["/", "/finalistit/", "/arkisto/", f"/arkisto/{year}/", f"/tulokset/{year}/"]


def full_passes(client, paths: list[str], requests: int) -> list[float]:
    """The duration (ms) of each full pass of the collector while serving ``requests``."""
    pauses, started = [], {}

    def watch(phase, info):
        if info["generation"] == 2:
            if phase == "start":
                started["at"] = time.perf_counter()
            else:
                pauses.append((time.perf_counter() - started["at"]) * 1000)

    gc.callbacks.append(watch)
    try:
        for n in range(requests):
            assert client.get(paths[n % len(paths)]).status_code == 200
    finally:
        gc.callbacks.remove(watch)
    return pauses


def describe(label: str, pauses: list[float], requests: int) -> str:
    if not pauses:
        return f"{label:34} no full pass in {requests} requests"
    return (
        f"{label:34} {len(pauses)} full passes in {requests} requests, "
        f"median {statistics.median(pauses):5.1f} ms, longest {max(pauses):5.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    args = parser.parse_args()

    django_setup()
    recreate_database()
    paths = prepare()
    from django.test import Client, override_settings

    import hyvakaytanto.wsgi  # noqa: F401 - loads the application and freezes, as gunicorn does

    frozen_at_start = gc.get_freeze_count()
    client = Client(HTTP_HOST="127.0.0.1")
    with override_settings(PUBLIC_PAGE_CACHE_SECONDS=0):
        for path in paths * 20:  # warm: templates compiled, caches filled
            client.get(path)
        # As shipped: frozen once when the application was loaded, before any request.
        frozen = full_passes(client, paths, args.requests)
        gc.unfreeze()
        unfrozen = full_passes(client, paths, args.requests)
    print(f"objects frozen when the application is loaded: {frozen_at_start:,}")
    print(describe("with gc.freeze() at start-up", frozen, args.requests))
    print(describe("without gc.freeze()", unfrozen, args.requests))


if __name__ == "__main__":
    main()
