import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from archive.models import AwardYear
from tests.admin_login import admin_login
from tests.factories.archive import AwardFactory, AwardYearFactory
from tests.factories.hyvakaytanto import CompetitionFactory
from tests.factories.jury import FinalistFactory
from tests.pages import text_of

pytestmark = pytest.mark.django_db

HELSINKI = ZoneInfo("Europe/Helsinki")


def test_home_without_a_competition_is_a_friendly_finnish_page(client):
    response = client.get(reverse("home"))

    text = text_of(response)
    assert response.status_code == 200
    assert '<html lang="fi">' in response.content.decode()
    assert "Seuraavan kilpailun aikataulu julkaistaan täällä" in text
    assert "Perhe yhtenäiseksi" in text  # the latest winner from the archive


def lead_of(response) -> str:
    """The text of the section the front page leads with."""
    html = response.content.decode()
    section = re.search(r'<section class="home-lead.*?</section>', html, flags=re.S).group(0)
    return " ".join(re.sub(r"<[^>]+>", " ", section).split())


def current_step(response) -> str:
    html = response.content.decode()
    (step,) = re.findall(r'<li class="is-current" aria-current="step">(.*?)</li>', html, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", step).split())


@pytest.mark.parametrize(
    ("trait", "lead", "step"),
    [
        ("draft", "Kilpailu avautuu pian Ehdotusaika alkaa", None),
        ("nomination", "Ehdota hyvää käytäntöä Ehdotuksia otetaan vastaan", "Ehdotusaika (nyt)"),
        (
            "review",
            "Palkintoraati arvioi ehdotuksia Ehdotusaika on päättynyt",
            "Palkintoraati arvioi",
        ),
        (
            "voting",
            "Äänestä suosikkiasi Finalistit on julkistettu.",
            "Finalistit ja yleisöäänestys",
        ),
        ("deliberation", "Voittaja julkistetaan pian", "Raati valitsee voittajan (nyt)"),
        ("published", "Voittaja Perhetyön malli Vuoden", "Tulokset julkistetaan (nyt)"),
    ],
)
def test_home_leads_with_what_the_phase_needs_and_marks_todays_step(
    client, staff, trait, lead, step
):
    traits = {} if trait == "nomination" else {trait: True}
    competition = CompetitionFactory(**traits)
    url = reverse("home")
    if trait == "draft":  # a year in preparation: staff see it in the front page's preview
        admin_login(client, staff)
        url += f"?esikatselu={competition.year}"
    if trait in ("voting", "deliberation", "published"):
        finalist = FinalistFactory(
            nomination__competition=competition, nomination__practice_name="Perhetyön malli"
        )
    if trait == "published":
        AwardFactory(
            year=AwardYearFactory(year=competition.year, competition=competition),
            kind="winner",
            practice_name="Perhetyön malli",
            jury_statement="Raadin yksimielinen valinta.",
            nomination=finalist.nomination,
        )
        lead = f"Vuoden {competition.year} voittaja Perhetyön malli"

    response = client.get(url)

    assert competition.title in text_of(response)
    assert lead_of(response).startswith(lead)
    if trait in ("voting", "deliberation"):
        assert "Perhetyön malli" in lead_of(response)
    if trait == "published":
        assert "Raadin yksimielinen valinta." in lead_of(response)
    if step is None:
        assert 'aria-current="step"' not in response.content.decode()
    else:
        assert current_step(response).startswith(step)
        assert "(nyt)" in current_step(response)


def test_home_shows_the_newest_year_whose_call_has_opened(client):
    CompetitionFactory(year=2030, published=True)
    CompetitionFactory(year=2031)

    response = client.get(reverse("home"))

    assert response.context["competition"].year == 2031


def test_a_year_in_preparation_leaves_the_front_page_to_the_published_one(client, staff):
    published = CompetitionFactory(year=2030, published=True)
    AwardFactory(
        year=AwardYearFactory(year=2030, competition=published),
        kind="winner",
        practice_name="Perhetyön malli",
    )
    CompetitionFactory(year=2031, draft=True)

    public = client.get(reverse("home") + "?esikatselu=2031")  # ignored for the public

    assert public.context["competition"].year == 2030
    assert lead_of(public).startswith("Vuoden 2030 voittaja Perhetyön malli")
    assert "Esikatselu" not in text_of(public)

    admin_login(client, staff)
    preview = client.get(reverse("home") + "?esikatselu=2031")
    assert preview.context["competition"].year == 2031
    for odd in ("²⁰³¹", "99999999999999999999", "2031x", ""):  # the public page, never a 500
        odd_page = client.get(reverse("home"), {"esikatselu": odd})
        assert odd_page.status_code == 200
        assert odd_page.context["competition"].year == 2030
    assert "Esikatselu: näin vuoden 2031 etusivu näkyy yleisölle" in text_of(preview)
    assert lead_of(preview).startswith("Kilpailu avautuu pian")


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


def test_the_results_announcement_has_its_day_and_place_in_each_language(client):
    from datetime import date

    CompetitionFactory(
        deliberation=True,
        announcement_on=date(2028, 3, 24),
        announcement_place="Sosiaalialan asiantuntijapäivät, Tampere-talo",
        announcement_place_en="Social Work Expert Days, Tampere Hall",
    )

    finnish = client.get(reverse("home"))
    assert "tulokset julkistetaan 24.3.2028 (Sosiaalialan asiantuntijapäivät, Tampere-talo)." in (
        lead_of(finnish)
    )
    timeline = re.search(r'<ol class="year-timeline">(.*?)</ol>', finnish.content.decode(), re.S)
    last_step = re.findall(r"<li[^>]*>(.*?)</li>", timeline.group(1), re.S)[-1]
    assert "24.3.2028, Sosiaalialan asiantuntijapäivät, Tampere-talo" in " ".join(
        re.sub(r"<[^>]+>", " ", last_step).split()
    )

    english = lead_of(client.get("/en/"))
    assert "announced on 24.3.2028 (Social Work Expert Days, Tampere Hall)." in english
    swedish = lead_of(client.get("/sv/"))  # no Swedish place: the Finnish one, in Swedish words
    assert "offentliggörs 24.3.2028 (Sosiaalialan asiantuntijapäivät, Tampere-talo)." in swedish


def test_the_preview_needs_both_factors(client, staff):
    CompetitionFactory(year=2031, draft=True)
    client.force_login(staff)  # the password only, no code yet

    response = client.get(reverse("home") + "?esikatselu=2031")

    assert response.context["competition"] is None
    assert "Esikatselu" not in text_of(response)
