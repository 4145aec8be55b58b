import pytest
from django.db import IntegrityError

from archive.enums import AwardKind
from archive.queries import archive_year, latest_winners
from tests.factories.archive import AwardFactory, AwardYearFactory

pytestmark = pytest.mark.django_db


def test_same_practice_cannot_get_the_same_recognition_twice_in_a_year():
    award = AwardFactory()

    with pytest.raises(IntegrityError, match="archive_award_one_per_practice_kind_year"):
        AwardFactory(year=award.year, practice_name=award.practice_name)


def test_a_winner_can_also_be_the_audience_favourite():
    award = AwardFactory()

    AwardFactory(
        year=award.year, practice_name=award.practice_name, kind=AwardKind.AUDIENCE_FAVOURITE
    )


def test_a_year_without_an_award_must_say_why():
    with pytest.raises(IntegrityError, match="archive_awardyear_not_awarded_has_note"):
        AwardYearFactory(awarded=False, note="")


def test_award_groups_use_plural_headings_in_display_order():
    year = AwardYearFactory()
    AwardFactory(year=year, kind=AwardKind.FINALIST, practice_name="C")
    AwardFactory(year=year, kind=AwardKind.WINNER, practice_name="B", order=2)
    AwardFactory(year=year, kind=AwardKind.WINNER, practice_name="A", order=1)

    groups = archive_year(year.year).award_groups()

    assert [(heading, [a.practice_name for a in awards]) for heading, awards in groups] == [
        ("Voittajat", ["A", "B"]),
        ("Finalisti", ["C"]),
    ]


def test_latest_winners_are_those_of_the_newest_year_with_a_winner():
    newest = AwardYearFactory(year=2099)
    AwardFactory(year=newest, finalist=True)  # a year with finalists only does not count
    older = AwardYearFactory(year=2098)
    winner = AwardFactory(year=older)

    assert list(latest_winners()) == [winner]
