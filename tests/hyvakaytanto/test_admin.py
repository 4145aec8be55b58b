from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from core.models import Competition
from tests.factories.hyvakaytanto import CompetitionFactory

pytestmark = pytest.mark.django_db


def competition_form(**overrides) -> dict:
    data = {
        "year": "2031",
        "title": "Hyvä käytäntö 2031",
        "introduction": "Ehdota sosiaalialan hyvää käytäntöä.",
        "prize_text": "1000 euroa ja matka sosiaalialan konferenssiin ulkomaille.",
        "nomination_opens_on": "1.10.2030",
        "nomination_last_day": "30.11.2030",
        "scoring_last_day": "30.1.2031",
        "voting_opens_on": "10.2.2031",
        "voting_last_day": "27.2.2031",
        "finalist_count": "4",
    }
    return {**data, **overrides}


def test_staff_sets_up_a_competition_in_helsinki_time(staff_client):
    response = staff_client.post(reverse("admin:hyvakaytanto_competition_add"), competition_form())

    assert response.status_code == 302
    competition = Competition.objects.get(year=2031)
    assert competition.voting_closes_at.isoformat() == "2031-02-27T22:00:00+00:00"


def test_staff_gets_a_finnish_error_and_keeps_the_input_for_dates_out_of_order(staff_client):
    response = staff_client.post(
        reverse("admin:hyvakaytanto_competition_add"),
        competition_form(voting_last_day="1.2.2031"),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Äänestyksen on päätyttävä sen alkamisen jälkeen." in html
    assert 'value="Hyvä käytäntö 2031"' in html
    assert not Competition.objects.exists()


def test_publication_stamps_are_read_only_in_the_admin(staff_client):
    competition = CompetitionFactory()

    response = staff_client.get(
        reverse("admin:hyvakaytanto_competition_change", args=[competition.pk])
    )

    assert 'name="finalists_published_at' not in response.content.decode()
    assert 'name="results_published_at' not in response.content.decode()


def test_admin_competition_list_shows_the_phase(staff_client):
    CompetitionFactory(review=True)

    response = staff_client.get(reverse("admin:hyvakaytanto_competition_changelist"))

    assert "Raati arvioi" in response.content.decode()


def test_anonymous_visitor_cannot_reach_the_competition_admin(client):
    response = client.get(reverse("admin:hyvakaytanto_competition_changelist"))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_criteria_cannot_be_added_or_deleted_in_the_admin(staff_client):
    assert staff_client.get(reverse("admin:hyvakaytanto_criterion_add")).status_code == 403
    assert (
        staff_client.get(reverse("admin:hyvakaytanto_criterion_delete", args=[1])).status_code
        == 403
    )


@pytest.mark.parametrize(
    ("last_day", "stored_utc", "summer_time"),
    [
        ("27.2.2031", "2031-02-27T22:00:00+00:00", False),
        # Summer time starts on 30.3.2031 at 3.00: the day after the 29th begins at +02:00,
        # the day after the 30th at +03:00.
        ("29.3.2031", "2031-03-29T22:00:00+00:00", False),
        ("30.3.2031", "2031-03-30T21:00:00+00:00", True),
        # It ends on 26.10.2031 at 4.00.
        ("25.10.2031", "2031-10-25T21:00:00+00:00", True),
        ("26.10.2031", "2031-10-26T22:00:00+00:00", False),
    ],
)
def test_the_votes_last_day_is_stored_as_its_end_and_shown_as_typed(
    staff_client, client, last_day, stored_utc, summer_time
):
    form = competition_form(
        year="2031",
        voting_opens_on="1.1.2031",
        voting_last_day=last_day,
        nomination_opens_on="1.9.2030",
        nomination_last_day="1.10.2030",
        scoring_last_day="1.12.2030",
    )

    staff_client.post(reverse("admin:hyvakaytanto_competition_add"), form)

    competition = Competition.objects.get(year=2031)
    assert competition.voting_closes_at.isoformat() == stored_utc
    assert (timezone.localtime(competition.voting_closes_at).dst() != timedelta(0)) == summer_time
    change = staff_client.get(
        reverse("admin:hyvakaytanto_competition_change", args=[competition.pk])
    ).content.decode()
    listing = staff_client.get(reverse("admin:hyvakaytanto_competition_changelist"))
    assert f'name="voting_last_day" value="{last_day}"' in change
    assert last_day in listing.content.decode()
    with time_machine.travel(competition.voting_opens_at + timedelta(days=1), tick=False):
        Competition.objects.filter(pk=competition.pk).update(
            finalists_published_at=competition.voting_opens_at
        )
        home = client.get("/").content.decode()
    assert f"{last_day}" in home


def test_a_last_day_before_the_first_is_refused_on_the_day_field(staff_client):
    response = staff_client.post(
        reverse("admin:hyvakaytanto_competition_add"),
        competition_form(nomination_opens_on="1.12.2030", nomination_last_day="30.11.2030"),
    )

    errors = response.context["adminform"].form.errors
    assert errors["nomination_last_day"] == ["Ehdotusajan on päätyttävä sen alkamisen jälkeen."]
    assert not Competition.objects.exists()
