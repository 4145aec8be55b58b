"""Normalised totals: each juror's own scale taken out before their scores are combined."""

import pytest
from django.db.models import F

from jury.models import Score
from jury.queries import ranking
from jury.statistics import standings
from tests.factories.hyvakaytanto import CompetitionFactory
from tests.factories.jury import ConflictFactory, JuryMemberFactory
from tests.factories.nominations import NominationFactory
from tests.jury.test_queries import give

pytestmark = pytest.mark.django_db


def orders(competition) -> tuple[list[int], list[int]]:
    """The nominations best first by the raw total and by the normalised one."""
    table = standings(competition.pk)
    rows = {n.pk: n for n in ranking(competition.nominations.all())}
    raw = sorted(rows, key=lambda pk: (-(rows[pk].total or 0), pk))
    normalised = sorted(table, key=lambda pk: (-table[pk].normalised, pk))
    return raw, normalised


def test_a_juror_who_gives_everyone_one_point_fewer_changes_no_normalised_rank():
    competition = CompetitionFactory(review=True)
    strict, lenient = JuryMemberFactory.create_batch(2, competition=competition)
    p, q, r = NominationFactory.create_batch(3, competition=competition)
    ConflictFactory(juror=strict, nomination=r)  # R is scored by the lenient juror only
    give(strict, p, [5, 5, 5, 4])
    give(strict, q, [3, 3, 2, 3])
    give(lenient, p, [4, 4, 4, 4])
    give(lenient, q, [5, 5, 4, 5])
    give(lenient, r, [5, 4, 4, 4])
    raw_before, normalised_before = orders(competition)

    Score.objects.filter(juror=strict).update(value=F("value") - 1)
    raw_after, normalised_after = orders(competition)

    assert raw_after != raw_before  # the raw mean moved R past P for no reason of R's own
    assert normalised_after == normalised_before


def test_standings_give_the_spread_of_the_jurors_totals():
    competition = CompetitionFactory(review=True)
    a, b, c = JuryMemberFactory.create_batch(3, competition=competition)
    nomination = NominationFactory(competition=competition)
    give(a, nomination, [3, 3, 3, 3])
    give(b, nomination, [4, 4, 4, 4])
    give(c, nomination, [5, 5, 5, 5])

    standing = standings(competition.pk)[nomination.pk]

    assert (standing.juror_mean, standing.juror_median, standing.jurors) == (16.0, 16.0, 3)
    assert standing.juror_sd == pytest.approx((32 / 3) ** 0.5)
    assert standing.normalised == 0.0  # each juror's only sheet is their own mean


def test_the_chair_ranks_by_the_normalised_total_and_the_export_carries_both(client):
    import csv
    import io

    from django.urls import reverse

    from tests.jury.conftest import login

    competition = CompetitionFactory(review=True)
    chair = JuryMemberFactory(competition=competition, chair=True)
    strict, lenient = JuryMemberFactory.create_batch(2, competition=competition)
    p = NominationFactory(competition=competition, practice_name="P")
    q = NominationFactory(competition=competition, practice_name="Q")
    r = NominationFactory(competition=competition, practice_name="R")
    ConflictFactory(juror=strict, nomination=r)
    give(strict, p, [4, 4, 4, 3])
    give(strict, q, [2, 2, 1, 2])
    give(lenient, p, [4, 4, 4, 4])
    give(lenient, q, [5, 5, 4, 5])
    give(lenient, r, [5, 4, 4, 4])
    login(client, chair)
    url = reverse("admin:jury_rankingentry_changelist")

    by_raw = client.get(url).content.decode()
    by_normalised = client.get(url + "?jarjestys=normalisoitu").content.decode()
    export = client.post(
        url, {"action": "export_csv", "_selected_action": [p.pk, q.pk, r.pk]}
    ).content.decode("utf-8-sig")

    def names(html):
        return sorted(["P", "Q", "R"], key=lambda n: html.index(f'field-practice_name">{n}<'))

    assert names(by_raw) == ["R", "P", "Q"]  # R's raw mean has only the lenient juror
    assert names(by_normalised) == ["P", "Q", "R"]  # R sits at its juror's usual level
    header = next(csv.reader(io.StringIO(export)))
    assert "Yhteensä" in header
    assert "Normalisoitu" in header


def test_the_sql_lookup_agrees_with_the_standings_it_carries():
    from jury import sql
    from nominations.models import Nomination

    competition = CompetitionFactory(review=True)
    a, b = JuryMemberFactory.create_batch(2, competition=competition)
    nominations = NominationFactory.create_batch(3, competition=competition)
    unscored = NominationFactory(competition=competition)
    for n, nomination in enumerate(nominations):
        give(a, nomination, [1 + n, 2, 3, 4])
        give(b, nomination, [5, 4 - n, 3, 2])
    table = standings(competition.pk)

    looked_up = dict(
        Nomination.objects.filter(competition=competition)
        .annotate(value=sql.nomination_value({pk: s.normalised for pk, s in table.items()}))
        .values_list("pk", "value")
    )

    assert looked_up == {**{pk: s.normalised for pk, s in table.items()}, unscored.pk: None}
