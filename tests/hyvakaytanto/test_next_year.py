"""'Luo seuraava kilpailuvuosi': the next year from this one, its texts in every language, the
prize and the number of finalists, every date a year on, in preparation until its call opens."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core import services
from core.enums import Phase
from core.models import Competition
from tests.admin_login import admin_login
from tests.factories.hyvakaytanto import CompetitionFactory
from tests.pages import text_of

pytestmark = pytest.mark.django_db
HELSINKI = ZoneInfo("Europe/Helsinki")


def this_year():
    return CompetitionFactory(
        year=2028,
        published=True,
        title="Hyvä käytäntö 2028",
        title_sv="God praxis 2028",
        title_en="Good Practice 2028",
        introduction="Ehdota käytäntöä.",
        introduction_sv="Föreslå en praxis.",
        introduction_en="Nominate a practice.",
        prize_text="1000 euroa",
        prize_text_sv="1 000 euro",
        prize_text_en="1,000 euros",
        finalist_count=5,
        announcement_on=date(2028, 3, 24),
        announcement_place="Sosiaalialan asiantuntijapäivät",
        # Midnight in Helsinki, in summer time: it stays midnight a year on.
        nomination_opens_at=datetime(2027, 9, 1, tzinfo=HELSINKI),
        nomination_closes_at=datetime(2027, 11, 1, tzinfo=HELSINKI),
        scoring_closes_at=datetime(2028, 1, 10, tzinfo=HELSINKI),
        voting_opens_at=datetime(2028, 2, 1, tzinfo=HELSINKI),
        voting_closes_at=datetime(2028, 3, 1, tzinfo=HELSINKI),
        finalists_published_at=datetime(2028, 2, 1, tzinfo=HELSINKI),
        results_published_at=datetime(2028, 4, 1, tzinfo=HELSINKI),
    )


def test_the_next_year_takes_the_texts_and_moves_every_date_a_year_on(staff):
    following = services.competition_next_from(competition=this_year(), by=staff)

    assert following.year == 2029
    assert (following.title, following.title_sv, following.title_en) == (
        "Hyvä käytäntö 2029",
        "God praxis 2029",
        "Good Practice 2029",
    )
    assert (following.introduction_sv, following.prize_text_en) == (
        "Föreslå en praxis.",
        "1,000 euros",
    )
    assert following.finalist_count == 5
    assert following.announcement_on == date(2029, 3, 24)
    assert following.announcement_place == "Sosiaalialan asiantuntijapäivät"
    assert following.nomination_opens_at == datetime(2028, 9, 1, tzinfo=HELSINKI)
    assert following.voting_closes_at == datetime(2029, 3, 1, tzinfo=HELSINKI)
    assert following.results_published_at is None
    assert following.finalists_published_at is None
    assert following.phase == Phase.DRAFT


def test_a_year_that_exists_already_is_not_made_twice(staff):
    year = this_year()
    services.competition_next_from(competition=year, by=staff)

    with pytest.raises(ValidationError):
        services.competition_next_from(competition=year, by=staff)
    assert Competition.objects.filter(year=2029).count() == 1


def test_staff_see_what_moves_then_land_on_the_new_year_to_check_it(client, staff):
    year = this_year()
    admin_login(client, staff)
    page = client.get(reverse("admin:hyvakaytanto_competition_change", args=[year.pk]))
    assert "Luo seuraava kilpailuvuosi" in text_of(page)

    url = reverse("admin:hyvakaytanto_competition_next", args=[year.pk])
    preview = text_of(client.get(url))
    assert "Vuosi 2029 luodaan vuoden 2028 pohjalta" in preview
    assert "1.9.2027 1.9.2028" in preview  # the call opens, then and next
    assert "Äänestyksen viimeinen päivä 29.2.2028 28.2.2029" in preview  # a last day, not 1.3.

    created = client.post(url)
    following = Competition.objects.get(year=2029)
    assert created.url == reverse("admin:hyvakaytanto_competition_change", args=[following.pk])
    landed = text_of(client.get(created.url))
    assert "Vuosi 2029 on luotu vuoden 2028 pohjalta" in landed


def test_a_next_year_whose_call_would_already_have_opened_is_refused(client, staff):
    # Its call opened more than a year ago: a year on is in the past already.
    late = CompetitionFactory(year=2030, published=True, opens=timezone.now() - timedelta(days=400))
    with pytest.raises(ValidationError) as refused:
        services.competition_next_from(competition=late, by=staff)
    assert "joka on jo mennyt" in " ".join(refused.value.messages)
    assert not Competition.objects.filter(year=2031).exists()

    admin_login(client, staff)
    page = text_of(client.get(reverse("admin:hyvakaytanto_competition_next", args=[late.pk])))
    assert "näkyisi yleisölle heti" in page
    assert "Luo vuosi 2031" not in page
