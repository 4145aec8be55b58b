import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from archive.models import AwardYear
from tests.factories.archive import AwardFactory, AwardYearFactory
from tests.factories.hyvakaytanto import CompetitionFactory

pytestmark = pytest.mark.django_db

HELSINKI = ZoneInfo("Europe/Helsinki")


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_home_without_a_competition_is_a_friendly_finnish_page(client):
    response = client.get(reverse("home"))

    text = text_of(response)
    assert response.status_code == 200
    assert '<html lang="fi">' in response.content.decode()
    assert "Seuraavan kilpailun aikataulu julkaistaan täällä" in text
    assert "Perhe yhtenäiseksi" in text  # the latest winner from the archive


@pytest.mark.parametrize(
    ("trait", "expected"),
    [
        ("draft", "Ehdotusaika alkaa"),
        ("nomination", "Ehdotuksia otetaan vastaan"),
        ("review", "Palkintoraati arvioi ehdotuksia"),
        ("voting", "Yleisöäänestys on käynnissä"),
        ("deliberation", "Yleisöäänestys on päättynyt"),
        ("published", "tulokset on julkistettu"),
    ],
)
def test_home_shows_the_current_competition_by_phase(client, trait, expected):
    traits = {} if trait == "nomination" else {trait: True}
    competition = CompetitionFactory(**traits)

    text = text_of(client.get(reverse("home")))

    assert competition.title in text
    assert expected in text


def test_home_shows_the_newest_competition(client):
    CompetitionFactory(year=2030, published=True)
    CompetitionFactory(year=2031)

    response = client.get(reverse("home"))

    assert response.context["competition"].year == 2031


def test_home_lists_the_four_criteria_with_guidance(client, competition):
    text = text_of(client.get(reverse("home")))

    assert "Helposti sovellettava" in text
    assert "Asiakkaiden ja työntekijöiden hyväksi havaitsema" in text
    assert "Yhteiskunnallisesti vaikuttava" in text
    assert "Kuka käytäntöä on arvioinut" in text


def test_home_shows_the_nomination_deadline_as_the_last_day(client):
    CompetitionFactory(
        nomination_opens_at=datetime(2027, 1, 1, tzinfo=HELSINKI),
        nomination_closes_at=datetime(2027, 2, 28, tzinfo=HELSINKI),
    )

    with time_machine.travel(datetime(2027, 2, 27, 23, 59, tzinfo=HELSINKI), tick=False):
        text = text_of(client.get(reverse("home")))

    assert "Ehdotuksia otetaan vastaan 27.2.2027 asti." in text


@pytest.mark.parametrize("count", [1, 3])
def test_home_query_count_is_constant(client, django_assert_num_queries, count):
    AwardYear.objects.all().delete()
    CompetitionFactory(published=True)
    for _ in range(count):
        AwardFactory(year=AwardYearFactory(year=2090))

    with django_assert_num_queries(3):  # the competition, the criteria, the latest winners
        client.get(reverse("home"))


def test_home_during_the_vote_links_to_the_finalists(client):
    CompetitionFactory(voting=True)

    html = client.get(reverse("home")).content.decode()

    assert 'href="/finalistit/"' in html
    assert "Tutustu finalisteihin ja äänestä" in html
