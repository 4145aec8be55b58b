"""Every predicate of jury/permissions.py, with a role allowed and a role refused."""

import pytest
import time_machine

from jury import permissions, queries
from tests.factories.hyvakaytanto import CompetitionFactory
from tests.factories.jury import ConflictFactory, JuryMemberFactory
from tests.factories.nominations import NominationFactory

pytestmark = pytest.mark.django_db


def sheet_for(seat, nomination):
    return queries.score_sheet(seat.user, nomination.pk)


def test_seat_for_finds_the_jurors_seat_and_not_another_years(juror_seat, other_years_juror):
    assert permissions.seat_for(juror_seat.user, juror_seat.competition) == juror_seat
    assert permissions.seat_for(other_years_juror.user, juror_seat.competition) is None


def test_scoring_is_open_in_review_and_not_during_the_vote(this_year):
    assert permissions.scoring_is_open(this_year) is True
    assert permissions.scoring_is_open(CompetitionFactory(voting=True)) is False


def test_a_juror_scores_and_not_with_a_conflict(juror_seat):
    mine, conflicted = NominationFactory.create_batch(2, competition=juror_seat.competition)
    ConflictFactory(juror=juror_seat, nomination=conflicted)

    assert permissions.can_score(sheet_for(juror_seat, mine)) is True
    assert permissions.can_score(sheet_for(juror_seat, conflicted)) is False


def test_the_chair_sees_the_panels_scores_at_once_and_a_juror_not_before_scoring(
    juror_seat, chair_seat
):
    nomination = NominationFactory(competition=juror_seat.competition)

    assert permissions.can_see_panel_scores(sheet_for(chair_seat, nomination)) is True
    assert permissions.can_see_panel_scores(sheet_for(juror_seat, nomination)) is False


def test_a_juror_sits_on_a_panel_and_staff_do_not(juror_seat, staff):
    assert permissions.sits_on_a_panel(juror_seat.user) is True
    assert permissions.sits_on_a_panel(staff) is False


def test_communications_staff_oversee_the_jury_and_a_juror_does_not(staff, juror_seat):
    assert permissions.can_oversee_jury(staff) is True
    assert permissions.can_oversee_jury(juror_seat.user) is False


def test_communications_staff_seat_jurors_and_the_chair_does_not(staff, chair_seat):
    assert permissions.can_seat_jurors(staff) is True
    assert permissions.can_seat_jurors(chair_seat.user) is False


def test_the_chair_oversees_their_year_and_a_member_oversees_none(chair_seat, juror_seat):
    assert permissions.years_overseen_by(chair_seat.user) == [chair_seat.competition.pk]
    assert permissions.years_overseen_by(juror_seat.user) == []


def test_staff_without_a_seat_oversee_every_year(staff, this_year, other_years_juror):
    assert sorted(permissions.years_overseen_by(staff)) == sorted(
        [this_year.pk, other_years_juror.competition.pk]
    )


def test_the_chair_shortlists_and_another_years_juror_does_not(chair_seat, other_years_juror):
    assert permissions.can_shortlist(chair_seat.user, chair_seat.competition) is True
    assert permissions.can_shortlist(other_years_juror.user, chair_seat.competition) is False


def test_the_chair_decides_in_deliberation_and_not_during_review(chair_seat):
    closed = CompetitionFactory(deliberation=True)
    chair_then = JuryMemberFactory(competition=closed, chair=True)

    assert permissions.can_decide(chair_then.user, closed) is True
    assert permissions.can_decide(chair_seat.user, chair_seat.competition) is False


def test_communications_staff_publish_finalists_and_the_chair_does_not(staff, chair_seat):
    assert permissions.can_publish_finalists(staff) is True
    assert permissions.can_publish_finalists(chair_seat.user) is False


def test_the_chair_reopens_before_the_deadline_and_not_after(chair_seat, juror_seat):
    assert permissions.can_reopen_scoring(chair_seat.user, juror_seat) is True
    with time_machine.travel(juror_seat.competition.scoring_closes_at, tick=False):
        assert permissions.can_reopen_scoring(chair_seat.user, juror_seat) is False


def test_a_member_cannot_reopen_anothers_scoring(juror_seat):
    other = JuryMemberFactory(competition=juror_seat.competition)

    assert permissions.can_reopen_scoring(other.user, juror_seat) is False


def test_communications_staff_send_feedback_and_the_chair_does_not(staff, chair_seat):
    assert permissions.can_send_feedback(staff) is True
    assert permissions.can_send_feedback(chair_seat.user) is False


def test_communications_staff_set_a_finalists_picture_and_the_chair_does_not(staff, chair_seat):
    assert permissions.can_set_finalist_picture(staff) is True
    assert permissions.can_set_finalist_picture(chair_seat.user) is False
