import pytest
from django.urls import reverse

from hyvakaytanto.models import Competition
from tests.factories.hyvakaytanto import CompetitionFactory

pytestmark = pytest.mark.django_db


def competition_form(**overrides) -> dict:
    data = {
        "year": "2031",
        "title": "Hyvä käytäntö 2031",
        "introduction": "Ehdota sosiaalialan hyvää käytäntöä.",
        "prize_text": "1000 euroa ja matka sosiaalialan konferenssiin ulkomaille.",
        "nomination_opens_at_0": "1.10.2030",
        "nomination_opens_at_1": "0:00",
        "nomination_closes_at_0": "1.12.2030",
        "nomination_closes_at_1": "0:00",
        "scoring_closes_at_0": "31.1.2031",
        "scoring_closes_at_1": "0:00",
        "voting_opens_at_0": "10.2.2031",
        "voting_opens_at_1": "9:00",
        "voting_closes_at_0": "28.2.2031",
        "voting_closes_at_1": "0:00",
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
        competition_form(voting_closes_at_0="1.2.2031"),
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
