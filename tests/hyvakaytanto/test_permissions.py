"""Every predicate of core/permissions.py, with a role allowed and a role refused; and
no rule that has a predicate decided anywhere else."""

import re
from pathlib import Path

import pytest

from core.permissions import can_follow_the_year, can_resend_email

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def test_communications_staff_follow_the_year_and_a_juror_does_not(staff, juror_seat):
    assert can_follow_the_year(staff) is True
    assert can_follow_the_year(juror_seat.user) is False


def test_communications_staff_resend_email_and_a_voter_does_not(staff, voter):
    assert can_resend_email(staff) is True
    assert can_resend_email(voter) is False


def test_no_module_but_a_permissions_module_asks_for_a_permission():
    found = []
    for app in ["hyvakaytanto", "nominations", "jury", "voting", "archive"]:
        for path in (ROOT / app).rglob("*.py"):
            if path.name == "permissions.py" or "migrations" in path.parts:
                continue
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if re.search(r"\.has_perm\(", line):
                    found.append(f"{path.relative_to(ROOT)}:{number}")
    assert found == []
