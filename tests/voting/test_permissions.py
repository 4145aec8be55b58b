import pytest

from tests.factories.hyvakaytanto import CompetitionFactory
from tests.factories.voting import VoterFactory
from voting.permissions import (
    can_view_tallies,
    can_view_tally,
    is_verified_voter,
    is_voter_account,
)

pytestmark = pytest.mark.django_db


def test_a_voter_has_a_voter_account_and_staff_do_not(voter, staff):
    assert is_voter_account(voter) is True
    assert is_voter_account(staff) is False


def test_a_verified_voter_is_verified_and_an_unverified_one_is_not(voter):
    assert is_verified_voter(voter) is True
    assert is_verified_voter(VoterFactory(verified=False)) is False


def test_communications_staff_open_the_tallies_and_a_juror_does_not(staff, juror_seat):
    assert can_view_tallies(staff) is True
    assert can_view_tallies(juror_seat.user) is False


def test_the_tally_is_seen_after_voting_closes_and_not_while_it_is_open(staff):
    assert can_view_tally(staff, CompetitionFactory(deliberation=True)) is True
    assert can_view_tally(staff, CompetitionFactory(voting=True)) is False
