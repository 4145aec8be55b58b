"""The admin's home tells staff where the year stands and what to do next."""

from io import StringIO

import pytest
from django.core.management import call_command

from tests.admin_login import admin_login
from tests.factories.jury import StaffUserFactory
from tests.pages import text_of

pytestmark = pytest.mark.django_db


def home_in(settings, client, phase: str) -> str:
    settings.DEBUG = True
    call_command("demo_data", "--phase", phase, stdout=StringIO())
    settings.DEBUG = False
    admin_login(client, StaffUserFactory(groups=["Viestintä"]))
    return text_of(client.get("/admin/"))


@pytest.mark.parametrize(
    ("phase", "status", "next_step"),
    [
        ("draft", "valmistelussa", "Tarkista vuoden tekstit ja päivämäärät"),
        ("nomination", "ehdotusaika", "Ehdotuksia otetaan vastaan. Seuraa"),
        ("review", "raati arvioi", "Raati arvioi ehdotuksia: 3 / 4 on valmiina."),
        ("voting", "yleisöäänestys", "Yleisöäänestys on käynnissä."),
        ("deliberation", "raati valitsee voittajan", "Odotetaan raadin päätöstä"),
        ("published", "tulokset julkistettu", "Tulokset on julkaistu. Lähetä raadin palaute"),
    ],
)
def test_the_home_page_shows_the_phase_and_the_next_step(
    settings, client, phase, status, next_step
):
    home = home_in(settings, client, phase)

    assert status in home.lower()
    assert f"Seuraavaksi: {next_step}" in home


def test_the_home_page_counts_what_matters_now(settings, client):
    home = home_in(settings, client, "deliberation")

    assert "12 ehdotusta" in home
    assert "Raadista valmiina 4 / 4" in home
    assert "4 finalistia" in home
    assert "59 ääntä annettu" in home  # the tally may be seen once voting has closed


def test_votes_are_not_counted_on_the_home_page_while_voting_is_open(settings, client):
    home = home_in(settings, client, "voting")

    assert "ääntä annettu" not in home


def test_the_next_deadline_is_the_day_people_say(settings, client):
    from core.dates import last_day_text
    from core.models import Competition

    home = home_in(settings, client, "nomination")

    closes = Competition.objects.get().nomination_closes_at
    assert f"Ehdotusajan viimeinen päivä: {last_day_text(closes)}" in home


def test_apps_follow_the_year_and_technical_ones_come_last_under_yllapito(settings, client):
    home = home_in(settings, client, "review")

    headings = ["Kilpailu", "Ehdotukset", "Palkintoraati", "Yleisöäänestys", "Arkisto", "Ylläpito"]
    positions = [home.index(f" {heading} Näkymä ") for heading in headings]
    assert positions == sorted(positions)
    maintenance = home[positions[-1] :]
    assert "Lähtevät sähköpostit" in maintenance
    assert "Tarkastusloki" in maintenance


def test_a_juror_lands_on_their_scoring_screen_not_the_staff_overview(settings, client):
    from jury.models import JuryMember

    settings.DEBUG = True  # a demo account signs in only with DEBUG on
    call_command("demo_data", "--phase", "review", stdout=StringIO())
    juror = JuryMember.objects.filter(role="member").first().user
    admin_login(client, juror)

    landing = client.get("/admin/", follow=True)
    home = text_of(landing)

    assert landing.redirect_chain == [("/admin/jury/scoringnomination/", 302)]
    assert "Edistyminen:" in home
    assert "Seuraavaksi" not in home
    # Only what a juror can use: not the panel's or the finalists' lists, always empty to them.
    assert "/admin/jury/jurymember/" not in landing.content.decode()
    assert "/admin/jury/finalist/" not in landing.content.decode()


def test_the_chair_is_given_the_chairs_own_next_step(settings, client):
    from jury.models import JuryMember

    settings.DEBUG = True  # a demo account signs in only with DEBUG on
    call_command("demo_data", "--phase", "deliberation", stdout=StringIO())
    chair = JuryMember.objects.get(role="chair").user
    admin_login(client, chair)

    home = text_of(client.get("/admin/"))

    assert "Seuraavaksi: Kirjaa raadin päätös: voittaja ja kunniakirjat." in home
