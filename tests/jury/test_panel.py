"""Seats on a year's panel go only to staff accounts: in the service, in the admin's form and
in its user picker. A voter's account could never sign in to the admin."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from jury import services
from jury.models import JuryMember
from tests.admin_login import admin_login
from tests.factories.hyvakaytanto import CompetitionFactory
from tests.factories.jury import StaffUserFactory
from tests.factories.voting import VoterFactory
from tests.pages import text_of

pytestmark = pytest.mark.django_db

REFUSED = "Raatiin voi lisätä vain henkilökunnan tilin"


def test_the_service_seats_a_staff_account_and_refuses_a_voters():
    year = CompetitionFactory(draft=True)
    juror, voter = StaffUserFactory(), VoterFactory()

    seat = services.juror_seat(seat=JuryMember(competition=year, user=juror))
    assert seat.pk is not None

    with pytest.raises(ValidationError) as refused:
        services.juror_seat(seat=JuryMember(competition=year, user=voter))
    assert REFUSED in " ".join(refused.value.messages)
    assert not JuryMember.objects.filter(user=voter).exists()


def test_staff_cannot_seat_a_voter_in_the_admin_and_the_picker_never_offers_one(client, superuser):
    year = CompetitionFactory(draft=True)
    juror = StaffUserFactory(first_name="Raili", last_name="Raatilainen")
    voter = VoterFactory(email="raili.voter@example.fi", first_name="Raili", last_name="Äänestäjä")
    admin_login(client, superuser)

    add = reverse("admin:jury_jurymember_add")
    refused = client.post(add, {"competition": year.pk, "user": voter.pk, "role": "member"})
    assert refused.status_code == 200
    assert not JuryMember.objects.exists()
    assert "Valitse oikea vaihtoehto" in text_of(refused)

    seated = client.post(add, {"competition": year.pk, "user": juror.pk, "role": "member"})
    assert seated.status_code == 302
    assert JuryMember.objects.get().user == juror

    picker = client.get(
        reverse("admin:autocomplete"),
        {"term": "Raili", "app_label": "jury", "model_name": "jurymember", "field_name": "user"},
    )
    offered = {row["id"] for row in json.loads(picker.content)["results"]}
    assert offered == {str(juror.pk)}


def test_a_jurors_access_ends_when_their_years_results_are_published(client):
    from jury.models import Score
    from tests.factories.jury import JuryMemberFactory, ScoreFactory
    from tests.factories.nominations import NominationFactory

    year = CompetitionFactory(deliberation=True)
    seat = JuryMemberFactory(competition=year)
    nomination = NominationFactory(competition=year)
    ScoreFactory(juror=seat, nomination=nomination)
    admin_login(client, seat.user)
    sheet = reverse("admin:jury_scoringnomination_change", args=[nomination.pk])
    assert client.get(reverse("admin:jury_scoringnomination_changelist")).status_code == 200
    assert client.get(sheet).status_code == 200

    year.results_published_at = year.voting_closes_at
    year.save()

    assert client.get(reverse("admin:jury_scoringnomination_changelist")).status_code == 403
    assert client.get(sheet).status_code in (403, 404)
    # What they did stays, with its history.
    score = Score.objects.get(juror=seat)
    assert score.history.exists()

    # A seat on a later panel lets them back in, to that year's work only.
    later = CompetitionFactory(review=True)
    JuryMemberFactory(competition=later, user=seat.user)
    assert client.get(reverse("admin:jury_scoringnomination_changelist")).status_code == 200
    assert client.get(sheet).status_code in (403, 404)
