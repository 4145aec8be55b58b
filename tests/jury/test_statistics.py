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


def test_alpha_matches_the_krippendorff_package_with_a_recusal():
    import krippendorff
    import numpy as np

    from jury.statistics import reliability

    competition = CompetitionFactory(review=True)
    a, b, c = JuryMemberFactory.create_batch(3, competition=competition)
    n1, n2, n3 = NominationFactory.create_batch(3, competition=competition)
    sheets = {
        (a, n1): [5, 4, 4, 3],
        (a, n2): [2, 3, 2, 2],
        (a, n3): [4, 4, 3, 4],
        (b, n1): [4, 4, 5, 3],
        (b, n2): [3, 2, 2, 3],
        (c, n2): [1, 2, 3, 2],
        (c, n3): [5, 4, 4, 4],
    }
    ConflictFactory(juror=c, nomination=n1)  # the recusal: an empty cell
    for (juror, nomination), values in sheets.items():
        give(juror, nomination, values)
    nan = np.nan
    first_criterion = np.array([[5, 2, 4], [4, 3, nan], [nan, 1, 5]])

    report = reliability(competition.pk, resamples=10)

    expected = krippendorff.alpha(reliability_data=first_criterion, level_of_measurement="interval")
    assert report.alpha_by_criterion[1] == pytest.approx(expected)


def test_the_bootstrap_is_reproducible_and_certain_when_jurors_agree():
    from jury.statistics import reliability

    competition = CompetitionFactory(review=True)
    jurors = JuryMemberFactory.create_batch(3, competition=competition)
    nominations = NominationFactory.create_batch(5, competition=competition)
    for juror in jurors:  # identical jurors: the same clear order, 5 down to 1
        for rank, nomination in enumerate(nominations):
            give(juror, nomination, [5 - rank] * 4)

    first = reliability(competition.pk, top_n=2, resamples=1000, seed=7)
    again = reliability(competition.pk, top_n=2, resamples=1000, seed=7)

    assert first == again
    assert first.top_probability[nominations[0].pk] == 1.0
    assert first.top_probability[nominations[4].pk] == 0.0
    assert first.leader_probability == 1.0
    assert first.boundary_uncertain is False


def test_a_tie_on_the_shortlists_boundary_is_flagged():
    from jury.statistics import reliability

    competition = CompetitionFactory(review=True)
    a, b = JuryMemberFactory.create_batch(2, competition=competition)
    best, second, tied = NominationFactory.create_batch(3, competition=competition)
    give(a, best, [5, 5, 5, 5])
    give(b, best, [5, 5, 5, 5])
    give(a, second, [5, 4, 4, 4])  # a prefers the second,
    give(b, second, [3, 3, 3, 3])
    give(a, tied, [3, 3, 3, 3])  # b the third: on average a tie for the second place
    give(b, tied, [5, 4, 4, 4])

    report = reliability(competition.pk, top_n=2, resamples=1000, seed=1)

    assert report.boundary_uncertain is True
    assert report.top_probability[best.pk] == 1.0


def test_the_chair_reads_the_reliability_report_in_finnish_and_a_member_cannot(client):
    from django.urls import reverse

    from tests.jury.conftest import login

    competition = CompetitionFactory(review=True)
    chair = JuryMemberFactory(competition=competition, chair=True)
    member = JuryMemberFactory(competition=competition)
    for nomination in NominationFactory.create_batch(5, competition=competition):
        give(chair, nomination, [4, 3, 4, 3])
        give(member, nomination, [3, 4, 3, 4])
    url = reverse("admin:jury_rankingentry_reliability", args=[competition.pk])

    login(client, chair)
    ranking_page = client.get(reverse("admin:jury_rankingentry_changelist")).content.decode()
    report = client.get(url).content.decode()
    login(client, member)
    refused = client.get(url)

    assert url in ranking_page
    assert "Krippendorffin alfa" in report
    assert "nykyinen kärki pysyy ensimmäisenä" in report
    assert "Varoitus: finalistien raja on raadin oman vaihtelun sisällä" in report
    assert "Yhteneväisyys muiden kanssa" in report
    assert "Järjestyksen vaikutus" in report
    assert "<svg" in report and "stability-chart-caption" in report
    assert refused.status_code == 404


def test_a_juror_whose_scores_fall_as_they_go_is_flagged_and_steady_jurors_are_not():
    from jury.queries import seat_positions
    from jury.statistics import reliability

    competition = CompetitionFactory(review=True)
    tired, *steady = JuryMemberFactory.create_batch(5, competition=competition)
    nominations = NominationFactory.create_batch(16, competition=competition)
    quality = {n.pk: 2 + n_index % 3 for n_index, n in enumerate(nominations)}  # 2, 3 or 4
    positions = seat_positions(competition.pk)
    for juror in steady:
        # The nomination's quality, give or take a point in a pattern that goes nowhere along
        # the juror's own reading order. (Random noise, tied to the database's ids through
        # that order, could fall into a trend by chance in one run out of many.)
        for nomination in nominations:
            wobble = (0, 1, 0, -1)[positions[juror.pk][nomination.pk] % 4]
            give(juror, nomination, [quality[nomination.pk] + wobble] * 4)
    met_at = positions[tired.pk]
    for nomination in nominations:  # generous at first, strict by the end of their list
        tiredness = met_at[nomination.pk] * 3 // len(nominations)  # 0 … 2
        give(tired, nomination, [max(1, quality[nomination.pk] + 1 - tiredness)] * 4)

    report = reliability(competition.pk, resamples=10)

    assert report.positions[tired.pk].drifts is True
    assert report.positions[tired.pk].correlation < -0.5
    assert [report.positions[j.pk].drifts for j in steady] == [False] * 4


def test_a_juror_who_ranks_against_the_panel_shows_negative_agreement():
    from jury.statistics import reliability

    competition = CompetitionFactory(review=True)
    a, b, c, contrary = JuryMemberFactory.create_batch(4, competition=competition)
    nominations = NominationFactory.create_batch(4, competition=competition)
    for rank, nomination in enumerate(nominations):
        give(a, nomination, [5 - rank] * 4)
        give(c, nomination, [4 - rank // 2] * 4)
        give(b, nomination, [5 - rank, 4 - rank // 2, 5 - rank, 4])
        give(contrary, nomination, [3 + rank // 2] * 4)

    report = reliability(competition.pk, resamples=10)

    assert report.agreement[a.pk] > 0.5
    assert report.agreement[b.pk] > 0
    assert report.agreement[contrary.pk] < -0.5
    assert report.positions[a.pk].correlation is None  # four nominations are too few to tell


def test_halves_of_a_panel_that_agrees_pick_the_same_top_and_the_line_is_clear():
    from jury.statistics import reliability

    competition = CompetitionFactory(review=True)
    jurors = JuryMemberFactory.create_batch(4, competition=competition)
    nominations = NominationFactory.create_batch(6, competition=competition)
    for juror in jurors:
        for rank, nomination in enumerate(nominations):
            give(juror, nomination, [max(1, 5 - rank)] * 3 + [5 - rank // 2])

    report = reliability(competition.pk, top_n=2, resamples=200, seed=3)

    assert report.split_half.splits == 200
    assert report.split_half.same_top == 1.0
    assert report.split_half.mean_overlap == 1.0
    assert report.line_unclear is False


def test_a_panel_of_two_camps_agrees_with_itself_only_sometimes():
    """Two jurors prefer the first two practices, two others the next two: a half made of
    one camp picks its own, a mixed half may pick either."""
    from jury.statistics import reliability

    competition = CompetitionFactory(review=True)
    jurors = JuryMemberFactory.create_batch(4, competition=competition)
    nominations = NominationFactory.create_batch(5, competition=competition)
    for n, juror in enumerate(jurors):
        camp = [nominations[0], nominations[1]] if n < 2 else [nominations[2], nominations[3]]
        for nomination in nominations:
            give(juror, nomination, [5, 5, 5, 4] if nomination in camp else [2, 2, 3, 2])

    report = reliability(competition.pk, top_n=2, resamples=500, seed=5)

    assert 0.0 < report.split_half.same_top < 1.0
    assert report.split_half.mean_overlap < 1.0
    assert report.line_unclear is True  # the second and the third are the panel's coin toss


def test_a_panel_too_small_to_halve_says_so(client):
    from django.urls import reverse

    from jury.statistics import reliability
    from tests.jury.conftest import login

    competition = CompetitionFactory(review=True)
    chair = JuryMemberFactory(competition=competition, chair=True)
    others = JuryMemberFactory.create_batch(2, competition=competition)
    for nomination in NominationFactory.create_batch(5, competition=competition):
        for juror in [chair, *others]:
            give(juror, nomination, [4, 3, 4, 3])

    assert reliability(competition.pk).split_half is None
    login(client, chair)
    report = client.get(reverse("admin:jury_rankingentry_reliability", args=[competition.pk]))
    assert "siihen tarvitaan vähintään 4 arvioijaa" in report.content.decode()


def test_the_report_sets_the_split_half_agreement_beside_the_published_figures(client):
    from django.urls import reverse

    from tests.jury.conftest import login

    competition = CompetitionFactory(review=True, finalist_count=2)
    chair = JuryMemberFactory(competition=competition, chair=True)
    members = JuryMemberFactory.create_batch(3, competition=competition)
    for rank, nomination in enumerate(NominationFactory.create_batch(6, competition=competition)):
        for juror in [chair, *members]:
            give(juror, nomination, [max(1, 5 - rank)] * 4)
    login(client, chair)

    page = client.get(reverse("admin:jury_rankingentry_reliability", args=[competition.pk]))
    text = " ".join(page.content.decode().split())

    assert "puolikkaat valitsevat täsmälleen saman kärjen 2 100 %:ssa jaoista" in text
    assert "keskimäärin 100 % samoja ehdotuksia" in text
    assert "55 ± 5 %" in text and "25,9 %" in text
