import pytest

from jury.enums import Recognition
from tests.factories.hyvakaytanto import CompetitionFactory
from tests.factories.jury import FinalistFactory, StaffUserFactory
from tests.factories.voting import VoteFactory


@pytest.fixture
def staff(db):
    return StaffUserFactory(groups=["Viestintä"])


@pytest.fixture
def closed_year(db):
    """A year whose vote has closed: a winner, a certificate of honour, two finalists tied
    for the audience's favourite (one of them the winner), and one more finalist."""
    competition = CompetitionFactory(year=2027, deliberation=True)
    finalist = lambda name, **kw: FinalistFactory(  # noqa: E731
        nomination__competition=competition, nomination__practice_name=name, **kw
    )
    winner = finalist(
        "Perhe yhtenäiseksi",
        recognition=Recognition.WINNER,
        recognition_statement="Raadin valinta.",
        order=0,
    )
    mention = finalist(
        "Ruskon nanny",
        recognition=Recognition.HONOURABLE_MENTION,
        recognition_statement="Kunniakirja.",
        order=1,
    )
    tied = finalist("Sijaishuollon haastekisa", order=2)
    plain = finalist("Enna-malli", order=3)
    for target, count in [(winner, 5), (tied, 5), (mention, 3), (plain, 2)]:
        VoteFactory.create_batch(count, finalist=target, competition=competition)
    return competition
