from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.utils import translation

from core.enums import Phase
from core.models import TIMELINE, Competition, Criterion
from core.sql import VOTING_OPEN_SQL
from tests.factories.hyvakaytanto import CompetitionFactory

pytestmark = pytest.mark.django_db

HELSINKI = ZoneInfo("Europe/Helsinki")
MICROSECOND = timedelta(microseconds=1)

# A year whose deadlines fall right after both daylight-saving changes in Helsinki:
# clocks go back on 25.10.2026 (EEST +3 -> EET +2) and forward on 28.3.2027 (EET -> EEST).
OPENS = datetime(2026, 9, 1, 0, 0, tzinfo=HELSINKI)
NOMINATION_CLOSES = datetime(2026, 10, 26, 0, 0, tzinfo=HELSINKI)  # "until 25.10."
SCORING_CLOSES = datetime(2027, 1, 31, 0, 0, tzinfo=HELSINKI)
FINALISTS_PUBLISHED = datetime(2027, 2, 9, 12, 0, tzinfo=HELSINKI)
VOTING_OPENS = datetime(2027, 2, 10, 9, 0, tzinfo=HELSINKI)
VOTING_CLOSES = datetime(2027, 3, 29, 0, 0, tzinfo=HELSINKI)  # "until 28.3."
RESULTS_PUBLISHED = datetime(2027, 4, 1, 14, 0, tzinfo=HELSINKI)


def dst_year(**overrides) -> Competition:
    timeline = {
        "nomination_opens_at": OPENS,
        "nomination_closes_at": NOMINATION_CLOSES,
        "scoring_closes_at": SCORING_CLOSES,
        "voting_opens_at": VOTING_OPENS,
        "voting_closes_at": VOTING_CLOSES,
        "finalists_published_at": FINALISTS_PUBLISHED,
        "results_published_at": RESULTS_PUBLISHED,
    }
    return CompetitionFactory.build(**{**timeline, **overrides})


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (OPENS - MICROSECOND, Phase.DRAFT),
        (OPENS, Phase.NOMINATION),
        (NOMINATION_CLOSES - MICROSECOND, Phase.NOMINATION),
        (NOMINATION_CLOSES, Phase.REVIEW),
        (VOTING_OPENS - MICROSECOND, Phase.REVIEW),
        (VOTING_OPENS, Phase.VOTING),
        (VOTING_CLOSES - MICROSECOND, Phase.VOTING),
        (VOTING_CLOSES, Phase.DELIBERATION),
        (RESULTS_PUBLISHED - MICROSECOND, Phase.DELIBERATION),
        (RESULTS_PUBLISHED, Phase.PUBLISHED),
    ],
)
def test_phase_at_each_boundary_in_helsinki_time(moment, expected):
    assert dst_year().phase_at(moment) == expected


def _voting_open_in_sql(competition: Competition, moment: datetime) -> bool:
    """Whether the condition admits the row in a WHERE clause, as the vote's INSERT uses it."""
    sql = (
        "SELECT EXISTS (SELECT 1 FROM hyvakaytanto_competition competition "  # noqa: S608
        f"WHERE competition.id = %(id)s AND {VOTING_OPEN_SQL})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"now": moment, "id": competition.pk})
        return cursor.fetchone()[0]


@pytest.mark.parametrize(
    "timeline",
    [
        {},
        {"results_published_at": None},
        {"finalists_published_at": None, "results_published_at": None},
        # Finalists published late, after the voting window opened.
        {"finalists_published_at": VOTING_OPENS + timedelta(days=2), "results_published_at": None},
        # Results published early, before the window closed.
        {"results_published_at": VOTING_CLOSES - timedelta(days=3)},
    ],
    ids=["published", "unpublished-results", "no-finalists", "late-finalists", "early-results"],
)
def test_voting_open_sql_agrees_with_the_phase_at_every_boundary(timeline):
    """The vote's INSERT decides in the database with VOTING_OPEN_SQL; it must say "open"
    exactly when phase_at says VOTING, to the microsecond on both sides of every date."""
    competition = dst_year(**timeline)
    competition.save()
    fields = (*TIMELINE, "finalists_published_at", "results_published_at")
    dates = [getattr(competition, field) for field in fields]
    moments = sorted(
        {
            d + step
            for d in dates
            if d is not None
            for step in (-MICROSECOND, 0 * MICROSECOND, MICROSECOND)
        }
    )

    disagreements = [
        moment
        for moment in moments
        if _voting_open_in_sql(competition, moment)
        != (competition.phase_at(moment) == Phase.VOTING)
    ]

    assert disagreements == []
    assert any(competition.phase_at(m) == Phase.VOTING for m in moments) == (
        competition.finalists_published_at is not None
    )


def test_phase_boundaries_follow_daylight_saving_in_helsinki():
    competition = dst_year()
    # 26.10.2026 00:00 is in winter time (UTC+2); 29.3.2027 00:00 in summer time (UTC+3).
    assert competition.phase_at(datetime(2026, 10, 25, 21, 59, 59, tzinfo=UTC)) == Phase.NOMINATION
    assert competition.phase_at(datetime(2026, 10, 25, 22, 0, tzinfo=UTC)) == Phase.REVIEW
    assert competition.phase_at(datetime(2027, 3, 28, 20, 59, 59, tzinfo=UTC)) == Phase.VOTING
    assert competition.phase_at(datetime(2027, 3, 28, 21, 0, tzinfo=UTC)) == Phase.DELIBERATION


def test_phase_stays_review_while_finalists_are_unpublished_even_in_the_voting_window():
    competition = dst_year(finalists_published_at=None, results_published_at=None)

    assert competition.phase_at(VOTING_OPENS + timedelta(days=1)) == Phase.REVIEW


def test_phase_voting_starts_when_late_finalists_are_published():
    late = VOTING_OPENS + timedelta(hours=5)
    competition = dst_year(finalists_published_at=late, results_published_at=None)

    assert competition.phase_at(late - MICROSECOND) == Phase.REVIEW
    assert competition.phase_at(late) == Phase.VOTING


def test_phase_property_reads_the_server_clock():
    competition = dst_year(results_published_at=None)

    with time_machine.travel(VOTING_CLOSES - MICROSECOND, tick=False):
        assert competition.phase == Phase.VOTING
    with time_machine.travel(VOTING_CLOSES, tick=False):
        assert competition.phase == Phase.DELIBERATION


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("nomination_closes_at", OPENS, "Ehdotusajan on päätyttävä sen alkamisen jälkeen."),
        (
            "scoring_closes_at",
            NOMINATION_CLOSES - timedelta(days=1),
            "Arviointi voi päättyä aikaisintaan ehdotusajan päättyessä.",
        ),
        (
            "voting_opens_at",
            SCORING_CLOSES - timedelta(hours=1),
            "Äänestys voi alkaa aikaisintaan arvioinnin päätyttyä.",
        ),
        ("voting_closes_at", VOTING_OPENS, "Äänestyksen on päätyttävä sen alkamisen jälkeen."),
    ],
)
def test_clean_names_the_field_that_breaks_the_timeline(field, value, message):
    competition = dst_year(finalists_published_at=None, results_published_at=None, **{field: value})

    with pytest.raises(ValidationError) as error:
        competition.full_clean()

    assert error.value.message_dict == {field: [message]}


def test_clean_accepts_a_timeline_in_order():
    competition = dst_year(finalists_published_at=None, results_published_at=None)

    competition.full_clean()


def test_database_refuses_a_timeline_out_of_order():
    with pytest.raises(IntegrityError, match="hyvakaytanto_competition_timeline_in_order"):
        dst_year(voting_closes_at=VOTING_OPENS - timedelta(days=1)).save()


def test_database_refuses_results_before_finalists():
    with pytest.raises(IntegrityError, match="hyvakaytanto_competition_results_after_finalists"):
        dst_year(finalists_published_at=None).save()


def test_database_refuses_a_year_before_the_award_existed():
    with pytest.raises(IntegrityError, match="hyvakaytanto_competition_year_since_2007"):
        dst_year(year=2006, finalists_published_at=None, results_published_at=None).save()


def test_database_refuses_two_competitions_for_one_year():
    CompetitionFactory(year=2031)

    with pytest.raises(IntegrityError):
        CompetitionFactory(year=2031)


def test_four_criteria_are_seeded_in_three_languages():
    criteria = list(Criterion.objects.order_by("number"))

    assert [c.name_fi for c in criteria] == [
        "Helposti sovellettava",
        "Asiakkaiden ja työntekijöiden hyväksi havaitsema",
        "Yhteiskunnallisesti vaikuttava",
        "Arvioitu",
    ]
    assert all(c.name_sv and c.name_en and c.guidance_sv and c.guidance_en for c in criteria)


def test_criterion_name_follows_the_active_language():
    criterion = Criterion.objects.get(number=4)

    with translation.override("sv"):
        assert criterion.name == "Utvärderad"
    with translation.override("en"):
        assert criterion.name == "Evaluated"
    with translation.override("fi"):
        assert criterion.name == "Arvioitu"
