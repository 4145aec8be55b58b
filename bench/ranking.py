"""How long the jury's ranking takes at 1,000 nominations × 15 jurors × 4 criteria: the raw
ranking query, the normalised standings (jury/statistics.py; target under 0.5 s), the
reliability report (alpha, leniency, agreement, position check and 1,000 bootstrap resamples)
and the chair's ranking page, which shows both totals.

    .venv/bin/python bench/ranking.py [--nominations 1000] [--jurors 15] [--runs 7]

Creates a throwaway database (test_<name>) on the configured PostgreSQL (the embedded one
unless DATABASE_URL is set), fills it, prints timings, and drops it again.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hyvakaytanto.settings_test")

import django
import numpy as np

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from tests.admin_login import admin_login  # noqa: E402


def fill(nominations: int, jurors: int):
    from bench import fixtures
    from core.models import Criterion
    from jury.models import JuryMember, Score
    from nominations.models import Nomination

    competition = fixtures.competition(days_since_opening=70)  # the jury is scoring
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"juror{n}", is_staff=True) for n in range(jurors)
    )
    seats = JuryMember.objects.bulk_create(
        JuryMember(competition=competition, user=u, role="chair" if n == 0 else "member")
        for n, u in enumerate(users)
    )
    rows = Nomination.objects.bulk_create(
        fixtures.nomination(competition, n) for n in range(nominations)
    )
    criteria = list(Criterion.objects.all())
    # A year as juries score: each practice has its own quality, each juror their own
    # strictness, and every score some noise; seeded, so every run fills the same year.
    rng = np.random.default_rng(2026)
    quality = rng.normal(0, 0.8, len(rows))
    strictness = rng.normal(0, 0.5, len(seats))
    noise = rng.normal(0, 0.7, (len(rows), len(seats), len(criteria)))
    values = np.clip(np.rint(3 + quality[:, None, None] + strictness[None, :, None] + noise), 1, 5)
    Score.objects.bulk_create(
        (
            Score(juror=s, nomination=nom, criterion=c, value=int(values[n, j, k]))
            for n, nom in enumerate(rows)
            for j, s in enumerate(seats)
            for k, c in enumerate(criteria)
        ),
        batch_size=10_000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return competition, users[0]


def timed(function, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nominations", type=int, default=1000)
    parser.add_argument("--jurors", type=int, default=15)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--explain", action="store_true", help="print the query plan")
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from jury.models import Score
        from jury.queries import ranking
        from jury.statistics import reliability, standings

        started = time.perf_counter()
        competition, chair = fill(args.nominations, args.jurors)
        print(
            f"filled {args.nominations} nominations × {args.jurors} jurors × 4 criteria = "
            f"{Score.objects.count()} scores in {time.perf_counter() - started:.1f} s"
        )

        if args.explain:
            print(ranking(competition.nominations.all()).explain(analyze=True))
        query_ms = timed(lambda: list(ranking(competition.nominations.all())), args.runs)
        normalised_ms = timed(lambda: standings(competition.pk), args.runs)
        report_ms = timed(lambda: reliability(competition.pk), args.runs)
        raw_top = [n.pk for n in ranking(competition.nominations.all())[:5]]
        table = standings(competition.pk)
        normalised_top = sorted(table, key=lambda pk: -table[pk].normalised)[:5]
        print(f"top 5 by raw total:        {raw_top}")
        print(f"top 5 by normalised total: {normalised_top}")
        # Signed in with both factors, as the admin requires; anything but the page itself
        # (a redirect to the second factor, an error) would time the wrong thing.
        client = admin_login(Client(), chair)
        url = reverse("admin:jury_rankingentry_changelist")
        status = client.get(url).status_code
        if status != 200:
            raise SystemExit(f"the ranking page answered {status}, not 200")
        page_ms = timed(lambda: client.get(url), args.runs)
        normalised_page_ms = timed(
            lambda: client.get(url, {"jarjestys": "normalisoitu"}), args.runs
        )

        for label, values in [
            ("ranking query", query_ms),
            ("normalised standings", normalised_ms),
            ("reliability report", report_ms),
            ("ranking admin page", page_ms),
            ("… ranked normalised", normalised_page_ms),
        ]:
            print(
                f"{label:>20}: median {statistics.median(values):7.1f} ms, "
                f"min {min(values):7.1f} ms, max {max(values):7.1f} ms ({args.runs} runs)"
            )
        verdict = "met" if statistics.median(normalised_ms) < 500 else "MISSED"
        print(f"normalised standings under 0.5 s: {verdict}")
        split = reliability(competition.pk).split_half
        verdict = "met" if statistics.median(report_ms) < 1000 else "MISSED"
        print(
            f"split-half agreement ({split.splits} random halves of {args.jurors} jurors): "
            f"same top 4 in {100 * split.same_top:.1f} %, mean overlap "
            f"{100 * split.mean_overlap:.1f} %; the report with it: median "
            f"{statistics.median(report_ms):.0f} ms (under 1 s: {verdict})"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
