import pytest

from archive.permissions import can_print_certificates, can_publish_results

pytestmark = pytest.mark.django_db


def test_communications_staff_publish_results_and_the_chair_does_not(staff, chair_seat):
    assert can_publish_results(staff) is True
    assert can_publish_results(chair_seat.user) is False


def test_communications_staff_print_certificates_and_a_voter_does_not(staff, voter):
    assert can_print_certificates(staff) is True
    assert can_print_certificates(voter) is False
