import pytest
from django.urls import reverse

from core.models import Criterion
from jury.models import Score
from jury.queries import ranking
from tests.factories.jury import ConflictFactory, JuryMemberFactory
from tests.factories.nominations import NominationFactory
from tests.jury.conftest import login

pytestmark = pytest.mark.django_db


def give(juror, nomination, values):
    """Scores for criteria 1..4 in order; None leaves a criterion unscored."""
    for criterion, value in zip(Criterion.objects.order_by("number"), values, strict=True):
        if value is not None:
            Score.objects.create(
                juror=juror, nomination=nomination, criterion=criterion, value=value
            )


def test_ranking_is_right_for_known_scores_with_conflicts_and_missing_scores(panel_year):
    a, b, c = (JuryMemberFactory(competition=panel_year) for _ in range(3))
    strong = NominationFactory(competition=panel_year, practice_name="Vahva")
    split = NominationFactory(competition=panel_year, practice_name="Kiistelty")
    partial = NominationFactory(competition=panel_year, practice_name="Kesken")
    NominationFactory(competition=panel_year, practice_name="Arvioimatta")
    NominationFactory(competition=panel_year, withdrawn=True, practice_name="Peruttu")
    give(a, strong, [5, 5, 4, 4])
    give(b, strong, [5, 4, 4, 3])
    ConflictFactory(juror=c, nomination=strong)  # c scores nothing for it
    give(a, split, [1, 3, 3, 3])
    give(b, split, [4, 3, 3, 3])
    give(c, split, [5, 3, 3, 3])
    give(a, partial, [4, 4, None, None])

    rows = {n.practice_name: n for n in ranking(panel_year.nominations.all())}

    # Best total first; those without a total last, by name.
    assert list(rows) == ["Vahva", "Kiistelty", "Arvioimatta", "Kesken"]
    assert "Peruttu" not in rows
    assert [rows["Vahva"].mean_1, rows["Vahva"].mean_2, rows["Vahva"].mean_4] == [5.0, 4.5, 3.5]
    assert rows["Vahva"].total == pytest.approx(5 + 4.5 + 4 + 3.5)
    assert (rows["Vahva"].juror_count, rows["Vahva"].conflict_count) == (2, 1)
    assert rows["Vahva"].disagreement is False
    assert rows["Kiistelty"].mean_1 == pytest.approx(10 / 3)
    assert rows["Kiistelty"].spread_1 == 4
    assert rows["Kiistelty"].disagreement is True
    assert rows["Kesken"].total is None
    assert rows["Kesken"].mean_2 == 4.0
    assert rows["Arvioimatta"].juror_count == 0


@pytest.mark.parametrize("count", [10, 100])
def test_ranking_page_uses_a_fixed_number_of_queries(
    client, chair, django_assert_num_queries, count
):
    jurors = [chair, JuryMemberFactory(competition=chair.competition)]
    criteria = list(Criterion.objects.all())
    nominations = NominationFactory.create_batch(count, competition=chair.competition)
    Score.objects.bulk_create(
        Score(juror=j, nomination=n, criterion=c, value=3)
        for n in nominations
        for j in jurors
        for c in criteria
    )
    login(client, chair)

    # session, user, the second-factor device, two permission lookups, the chair's years, the
    # criteria, the filter's years, the count, the sidebar's "has a seat", the years the user
    # chairs (for the chair's actions), and one query for every row with all its aggregates
    with django_assert_num_queries(14):
        response = client.get(reverse("admin:jury_rankingentry_changelist"))

    assert len(response.context["cl"].result_list) == count


def test_the_score_sheet_is_one_query_with_the_jurors_own_work_beside_the_panels(
    panel_year, django_assert_num_queries
):
    from jury.models import OverallComment
    from jury.queries import score_sheet

    me, other = JuryMemberFactory(competition=panel_year), JuryMemberFactory(competition=panel_year)
    nomination, conflicted = NominationFactory.create_batch(2, competition=panel_year)
    give(me, nomination, [4, 3, None, None])
    give(other, nomination, [2, 2, 2, 2])
    OverallComment.objects.create(juror=me, nomination=nomination, text="Oma yleiskommentti")
    OverallComment.objects.create(juror=other, nomination=nomination, text="Toisen kommentti")
    ConflictFactory(juror=me, nomination=conflicted, reason="Entinen työpaikka")

    with django_assert_num_queries(1):
        sheet = score_sheet(me.user, nomination.pk)

    assert sheet.seat.pk == me.pk
    assert sheet.conflict_reason is None
    assert sheet.own_overall == "Oma yleiskommentti"
    assert [(s.criterion_id, s.value) for s in sheet.own_scores] == [
        (c.pk, v) for c, v in zip(Criterion.objects.order_by("number")[:2], [4, 3], strict=True)
    ]
    assert sorted(row.values for row in sheet.panel) == [(2, 2, 2, 2), (4, 3, "–", "–")]
    assert conflicted.pk in sheet.done_ids  # a conflict counts as done for the way on
    assert score_sheet(me.user, conflicted.pk).conflict_reason == "Entinen työpaikka"
    # Someone without a seat on this year's panel gets nothing.
    outsider = JuryMemberFactory()
    assert score_sheet(outsider.user, nomination.pk) is None
