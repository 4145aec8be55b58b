from io import StringIO

import pytest
from django.core.management import call_command

from hyvakaytanto.enums import Phase
from hyvakaytanto.models import Competition

pytestmark = pytest.mark.django_db


def test_demo_data_creates_a_competition_open_for_nominations():
    call_command("demo_data", stdout=StringIO())

    competition = Competition.objects.get()
    assert competition.phase == Phase.NOMINATION
    competition.full_clean()


def test_demo_data_run_twice_moves_the_same_year_to_another_phase():
    call_command("demo_data", stdout=StringIO())
    call_command("demo_data", "--phase", "voting", stdout=StringIO())

    competition = Competition.objects.get()
    assert competition.phase == Phase.VOTING


@pytest.mark.parametrize("phase", ["draft", "review", "deliberation"])
def test_demo_data_can_show_each_phase(phase):
    call_command("demo_data", "--phase", phase, stdout=StringIO())

    assert Competition.objects.get().phase == Phase(phase)


def test_every_model_change_has_a_migration():
    out = StringIO()

    call_command("makemigrations", "--check", "--dry-run", stdout=out)

    assert "No changes detected" in out.getvalue()
