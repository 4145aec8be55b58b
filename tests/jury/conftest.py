import pytest
from django.contrib.auth.models import Group

from hyvakaytanto.models import Criterion
from tests.admin_login import admin_login
from tests.factories.hyvakaytanto import CompetitionFactory
from tests.factories.jury import JuryMemberFactory, StaffUserFactory
from tests.factories.nominations import NominationFactory


@pytest.fixture
def panel_year(db):
    """A competition whose jury is scoring now."""
    return CompetitionFactory(review=True)


@pytest.fixture
def juror(panel_year):
    return JuryMemberFactory(competition=panel_year)


@pytest.fixture
def other_juror(panel_year):
    return JuryMemberFactory(competition=panel_year)


@pytest.fixture
def chair(panel_year):
    return JuryMemberFactory(competition=panel_year, chair=True)


@pytest.fixture
def foreign_juror(db):
    """A juror on another year's panel."""
    return JuryMemberFactory(competition=CompetitionFactory(review=True))


@pytest.fixture
def communications(db):
    """Communications staff: no seat on any panel, the Viestintä group's permissions."""
    user = StaffUserFactory(groups=["Viestintä"])
    assert Group.objects.get(name="Viestintä") in user.groups.all()
    return user


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
