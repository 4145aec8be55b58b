"""Which year the public sees (core.queries.public_competition), for every combination of two
years' phases: the newest year whose call for nominations has opened. A year in preparation
never takes over the public site; until the next call opens, the last one stays."""

import pytest

from core.enums import Phase
from core.queries import public_competition
from tests.factories.hyvakaytanto import CompetitionFactory

pytestmark = pytest.mark.django_db

PHASES = ["draft", "nomination", "review", "voting", "deliberation", "published"]


def year_in(phase: str, year: int):
    traits = {} if phase == "nomination" else {phase: True}
    competition = CompetitionFactory(year=year, **traits)
    assert competition.phase == Phase(phase)
    return competition


@pytest.mark.parametrize("earlier", PHASES)
@pytest.mark.parametrize("later", PHASES)
def test_the_public_sees_the_newest_year_whose_call_has_opened(earlier, later):
    year_in(earlier, 2027)
    year_in(later, 2028)

    seen = public_competition()

    if later != "draft":
        assert seen.year == 2028
    elif earlier != "draft":
        assert seen.year == 2027
    else:
        assert seen is None


def test_one_query_whatever_the_years(django_assert_num_queries):
    for year, phase in enumerate(PHASES, start=2022):
        year_in(phase, year)

    with django_assert_num_queries(1):
        assert public_competition().year == 2027
