import pytest
import time_machine

from nominations.permissions import (
    can_edit_through_link,
    can_export_nominations,
    can_handle_data_requests,
    can_mark_ineligible,
    can_view_nominations,
)

pytestmark = pytest.mark.django_db


def test_communications_staff_read_nominations_and_a_juror_does_not(staff, juror_seat):
    assert can_view_nominations(staff) is True
    assert can_view_nominations(juror_seat.user) is False


def test_communications_staff_export_nominations_and_a_voter_does_not(staff, voter):
    assert can_export_nominations(staff) is True
    assert can_export_nominations(voter) is False


def test_communications_staff_rule_out_a_nomination_and_the_chair_does_not(staff, chair_seat):
    assert can_mark_ineligible(staff) is True
    assert can_mark_ineligible(chair_seat.user) is False


def test_communications_staff_handle_data_requests_and_a_juror_does_not(staff, juror_seat):
    assert can_handle_data_requests(staff) is True
    assert can_handle_data_requests(juror_seat.user) is False


def test_the_nominator_edits_until_the_deadline_and_not_after(nominator):
    nomination, _token = nominator

    assert can_edit_through_link(nomination) is True
    with time_machine.travel(nomination.competition.nomination_closes_at, tick=False):
        assert can_edit_through_link(nomination) is False
