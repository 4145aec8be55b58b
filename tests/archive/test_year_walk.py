"""A whole year, one step at a time, each taken through the service staff, jurors or the
chair would use. After every step the staff home names the next step (and no longer the one
just taken), and the front page says nothing that has stopped being true."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.test import Client

from archive import services as archive_services
from core import services as core_services
from core.models import Criterion
from jury import services as jury_services
from jury.enums import Recognition
from nominations.services import nomination_submit
from tests.admin_login import admin_login
from tests.factories.hyvakaytanto import CompetitionFactory
from tests.factories.jury import JuryMemberFactory, StaffUserFactory
from tests.pages import text_of
from voting import queries as voting_queries
from voting import services as voting_services

pytestmark = pytest.mark.django_db

HELSINKI = ZoneInfo("Europe/Helsinki")


def at(day: int, month: int, year: int = 2031) -> datetime:
    return datetime(year, month, day, 12, tzinfo=HELSINKI)


class Year:
    """The walk's year and the people in it."""

    def __init__(self):
        self.competition = CompetitionFactory(
            year=2031,
            nomination_opens_at=at(1, 1).replace(hour=0),
            nomination_closes_at=at(1, 2).replace(hour=0),
            scoring_closes_at=at(15, 2).replace(hour=0),
            voting_opens_at=at(16, 2).replace(hour=0),
            voting_closes_at=at(1, 3).replace(hour=0),
        )
        self.staff = StaffUserFactory(groups=["Viestintä"])
        self.seats = []
        self.nominations = []
        self.finalists = []

    def nominate(self, name: str):
        submitted = nomination_submit(
            competition=self.competition,
            data={
                "practice_name": name,
                "summary": f"{name}: osallisuutta vahvistava malli.",
                "organisations": "Kunta",
                "region": "lappi",
                "innokyla_url": "",
                "target_group": "Asiakkaat",
                "contact_name": "Liisa Lappalainen",
                "contact_title": "Sosiaalityöntekijä",
                "contact_email": f"{len(self.nominations)}@kunta.example",
                "contact_phone": "+358 40 000 0000",
            },
            answers={c.number: f"{name} täyttää kriteerin." for c in Criterion.objects.all()},
        )
        self.nominations.append(submitted.nomination)

    def score_all(self, seat):
        for nomination in self.nominations:
            jury_services.score_save(
                seat=seat,
                nomination=nomination,
                scores={
                    c.pk: jury_services.CriterionScore(value=4, comment="Hyvä.", shared=True)
                    for c in Criterion.objects.all()
                },
            )

    @property
    def chair(self):
        return self.seats[0].user


def staff_home() -> str:
    return text_of(
        admin_login(Client(), get_user_model().objects.get(groups__name="Viestintä")).get("/admin/")
    )


def front_page() -> str:
    voting_queries._snapshot = None
    return text_of(Client().get("/"))


def check(*, home_next: str, home_not: tuple = (), front: tuple = (), front_not: tuple = ()):
    home, page = staff_home(), front_page()
    assert f"Seuraavaksi: {home_next}" in home
    for gone in home_not:
        assert gone not in home, gone
    for text in front:
        assert text in page, text
    for text in front_not:
        assert text not in page, text


def test_the_home_and_the_front_page_follow_the_year_step_by_step():
    with time_machine.travel(at(20, 12, 2030), tick=False):
        year = Year()
        check(
            home_next="Tarkista vuoden tekstit ja päivämäärät",
            # The year in preparation is not public: no call on the front page yet.
            front=("Seuraavan kilpailun aikataulu julkaistaan täällä",),
            front_not=("Ehdota käytäntöä", "Hyvä käytäntö 2031"),
        )

    with time_machine.travel(at(10, 1), tick=False):
        check(
            home_next="Kutsu vuoden palkintoraati",
            front=("Ehdotuksia otetaan vastaan 31.1.2031 asti",),
            front_not=("Kilpailu avautuu pian",),
        )
        # Staff seat the panel: the chair and one member.
        year.seats = [
            JuryMemberFactory(competition=year.competition, chair=True),
            JuryMemberFactory(competition=year.competition),
        ]
        check(
            home_next="Ehdotuksia otetaan vastaan. Seuraa, mitä on tullut.",
            home_not=("Kutsu vuoden palkintoraati",),
        )
        for name in ["Aamukahvit", "Kotikäynnit", "Perhetupa"]:
            year.nominate(name)

    with time_machine.travel(at(5, 2), tick=False):
        check(
            home_next="Raati arvioi ehdotuksia: 0 / 2 on valmiina.",
            front=("Palkintoraati arvioi ehdotuksia",),
            front_not=("Ehdota käytäntöä", "Ehdotuksia otetaan vastaan"),
        )
        chair_seat, member_seat = year.seats
        year.score_all(chair_seat)
        year.score_all(member_seat)
        # Scored but not marked done: the panel is not ready yet.
        check(home_next="Raati arvioi ehdotuksia: 0 / 2 on valmiina.")
        jury_services.juror_mark_done(seat=member_seat)
        check(home_next="Raati arvioi ehdotuksia: 1 / 2 on valmiina.")
        jury_services.juror_mark_done(seat=chair_seat)
        check(
            home_next="Raati on valmis. Puheenjohtaja valitsee finalistit pistejärjestyksestä.",
            home_not=("Raati arvioi ehdotuksia",),
        )

        for nomination in year.nominations[:2]:
            year.finalists.append(
                jury_services.finalist_shortlist(nomination=nomination, by=year.chair)
            )
        check(home_next="Puheenjohtaja kirjoittaa finalistien perustelut (2 puuttuu).")
        for n, finalist in enumerate(year.finalists, start=1):
            jury_services.finalist_set_statement(
                finalist=finalist, statement="Raati kiittää mallia.", order=n, by=year.chair
            )
        check(
            home_next="Julkista finalistit: äänestys avautuu ja ehdottajat saavat tiedon.",
            home_not=("perustelut (",),
            front=("finalistit julkistetaan ennen yleisöäänestyksen alkua",),
        )

        jury_services.finalists_publish(competition=year.competition, by=year.staff)
        check(
            home_next="Finalistit on julkistettu. Yleisöäänestys alkaa 16.2.2031.",
            home_not=("Julkista finalistit",),
            front=("Finalistit on julkistettu", "Aamukahvit", "Kotikäynnit"),
            front_not=("finalistit julkistetaan ennen yleisöäänestyksen alkua",),
        )

    with time_machine.travel(at(20, 2), tick=False):
        check(
            home_next="Yleisöäänestys on käynnissä.",
            front=(
                "Yleisöäänestys on käynnissä 28.2.2031 asti",
                "Tutustu finalisteihin ja äänestä",
            ),
            front_not=("Yleisöäänestys alkaa",),
        )
        voter = get_user_model().objects.create(username="aanestaja", email="a@example.fi")
        EmailAddress.objects.create(user=voter, email=voter.email, verified=True, primary=True)
        voting_services.vote_cast(voter=voter, finalist_id=year.finalists[0].pk)

    with time_machine.travel(at(5, 3), tick=False):
        check(
            home_next="Odotetaan raadin päätöstä",
            front=("Voittaja julkistetaan pian",),
            front_not=("Tutustu finalisteihin ja äänestä", "Yleisöäänestys on käynnissä"),
        )
        jury_services.finalist_decide(
            finalist=year.finalists[0],
            recognition=Recognition.WINNER,
            statement="Raati valitsi voittajan yksimielisesti.",
            by=year.chair,
        )
        check(home_next="Julkaise tulokset (esikatselu ensin).", home_not=("Odotetaan",))

        archive_services.results_publish(competition=year.competition, by=year.staff)
        check(
            home_next="Tulokset on julkaistu. Lähetä raadin palaute ehdottajille",
            home_not=("Julkaise tulokset",),
            front=("Aamukahvit", "Raati valitsi voittajan yksimielisesti."),
            front_not=("Voittaja julkistetaan pian",),
        )

        jury_services.feedback_send(competition=year.competition, by=year.staff)
        check(
            home_next="Tulokset on julkaistu. Luo seuraava kilpailuvuosi tämän pohjalta.",
            home_not=("Lähetä raadin palaute",),
        )

        # Staff set up the next year from this one: it is in preparation, so the public
        # still sees this year's winner, and the staff home moves on to the new year.
        following = core_services.competition_next_from(competition=year.competition, by=year.staff)
        check(
            home_next="Tarkista vuoden tekstit ja päivämäärät",
            front=("Aamukahvit", "Raati valitsi voittajan yksimielisesti."),
            front_not=(following.title, "Ehdota käytäntöä"),
        )

    with time_machine.travel(following.nomination_opens_at, tick=False):
        check(
            home_next="Kutsu vuoden palkintoraati",
            front=(following.title, "Ehdota käytäntöä", "Aamukahvit"),
        )
