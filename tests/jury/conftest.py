import pytest
from django.contrib.auth.models import Group

from core.models import Criterion
from tests.admin_login import admin_login
from tests.factories.jury import JuryMemberFactory
from tests.factories.nominations import NominationFactory

# The jury's tests name the root conftest's roles as the jury sees them.


@pytest.fixture
def panel_year(this_year):
    """A competition whose jury is scoring now."""
    return this_year


@pytest.fixture
def juror(juror_seat):
    return juror_seat


@pytest.fixture
def other_juror(panel_year):
    return JuryMemberFactory(competition=panel_year)


@pytest.fixture
def chair(chair_seat):
    return chair_seat


@pytest.fixture
def foreign_juror(other_years_juror):
    """A juror on another year's panel."""
    return other_years_juror


@pytest.fixture
def communications(staff):
    """Communications staff: no seat on any panel, the Viestintä group's permissions."""
    assert Group.objects.get(name="Viestintä") in staff.groups.all()
    return staff


@pytest.fixture
def nomination(panel_year):
    return NominationFactory(competition=panel_year)


def login(client, seat_or_user):
    user = getattr(seat_or_user, "user", seat_or_user)
    return admin_login(client, user)


def sheet(value=4, comment="", overall="", **overrides) -> dict:
    """A full score sheet POST: every criterion scored ``value``."""
    data = {"overall_comment": overall}
    for criterion in Criterion.objects.all():
        data[f"value_{criterion.pk}"] = str(value)
        data[f"comment_{criterion.pk}"] = comment
    data.update(overrides)
    return data
