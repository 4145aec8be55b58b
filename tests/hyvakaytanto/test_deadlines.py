"""The deadline sweep: everywhere a window's end is written, it is the window's last day.

The year's nominations end at 1.2.2031 0.00 and its vote at 1.3.2031 0.00, Helsinki time (the
half-open ends the database keeps). People must read 31.1.2031 and 28.2.2031, the last days,
on every page, in the share image, the Open Graph and Twitter tags, the e-mails and the
admin, in Finnish, Swedish and English, and nowhere the end moment's date.
"""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from core.models import Competition
from jury import services as jury_services
from tests.admin_login import admin_login
from tests.factories.hyvakaytanto import CompetitionFactory
from tests.factories.jury import FinalistFactory, JuryMemberFactory, StaffUserFactory
from tests.nominations.conftest import valid_form_data
from tests.pages import text_of
from voting import queries as voting_queries
from voting.share_image import share_call

pytestmark = pytest.mark.django_db

HELSINKI = ZoneInfo("Europe/Helsinki")
# The end moment's date written as an end; the next step may well start on it ("1.2.2031–",
# "1.3.2031 alkaen", "från 1.3.2031", "from 1.3.2031").
STARTS = r"(?<!från )(?<!from )(?<![\d.]){}(?!\s*–)(?! alkaen)"
NOMINATIONS_LAST_DAY, NOMINATIONS_END_MOMENT = "31.1.2031", STARTS.format(r"1\.2\.2031")
VOTE_LAST_DAY, VOTE_END_MOMENT = "28.2.2031", STARTS.format(r"1\.3\.2031")
LANGUAGES = ["fi", "sv", "en"]


def at(day: int, month: int) -> datetime:
    return datetime(2031, month, day, tzinfo=HELSINKI)


@pytest.fixture
def year():
    return CompetitionFactory(
        year=2031,
        nomination_opens_at=at(1, 1),
        nomination_closes_at=at(1, 2),
        scoring_closes_at=at(15, 2),
        voting_opens_at=at(16, 2),
        voting_closes_at=at(1, 3),
    )


def prefix(language: str) -> str:
    return "" if language == "fi" else f"/{language}"


def assert_last_day(text: str, where: str, *, last_day: str, end_moment: str) -> None:
    assert last_day in text, f"{where}: the last day {last_day} is not written"
    wrong = re.search(end_moment, text)
    context = text[wrong.start() - 60 : wrong.end() + 20] if wrong else ""
    assert wrong is None, f"{where}: the end moment's date is written: …{context}…"


def meta(response, name: str) -> str:
    """The content of the page's <meta> ``name`` (Twitter's card reads og:description)."""
    pattern = rf'<meta (?:property|name)="{name}" content="([^"]*)"'
    match = re.search(pattern, response.content.decode())
    assert match, name
    return match.group(1)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_nominations_last_day_is_written_everywhere(client, year, language, delivering):
    with time_machine.travel(at(20, 1), tick=False):
        for path in ["/", "/ehdota/"]:
            page = client.get(prefix(language) + path)
            assert_last_day(
                text_of(page),
                f"{language} {path}",
                last_day=NOMINATIONS_LAST_DAY,
                end_moment=NOMINATIONS_END_MOMENT,
            )
        with delivering() as outbox:
            client.post(prefix(language) + "/ehdota/", valid_form_data())
            client.post(
                prefix(language) + "/ehdotus/luonnos/tallenna/",
                {"contact_email": "luonnos@example.fi", "practice_name": "Luonnos"},
            )
        private = re.search(r"https?://[^/\s]+(/(?:sv/|en/)?ehdotus/[\w-]+/)", outbox[0].body)
        private_page = client.get(private.group(1))

    assert len(outbox) == 2
    for where, text in [
        ("confirmation e-mail", outbox[0].body),
        ("draft e-mail", outbox[1].body),
        ("the nominator's private page", text_of(private_page)),
    ]:
        assert_last_day(
            text,
            f"{language} {where}",
            last_day=NOMINATIONS_LAST_DAY,
            end_moment=NOMINATIONS_END_MOMENT,
        )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_votes_last_day_is_written_everywhere(client, year, language, delivering):
    chair = JuryMemberFactory(competition=year, chair=True)
    finalist = FinalistFactory(nomination__competition=year, shortlisted_by=chair.user)
    staff = StaffUserFactory(groups=["Viestintä"])
    with time_machine.travel(at(10, 2), tick=False), delivering() as outbox:
        # Published in the review phase: the letter to the finalist names the vote's days.
        finalist.nomination.language = language
        finalist.nomination.save()
        jury_services.finalists_publish(competition=year, by=staff)
    letter = next(m for m in outbox if finalist.nomination.contact_email in m.to)

    with time_machine.travel(at(20, 2), tick=False):
        voting_queries._snapshot = None
        slug = voting_queries.public_finalist_slug(finalist.pk)
        pages = {path: client.get(prefix(language) + path) for path in ["/", "/finalistit/"]}
        detail = client.get(f"{prefix(language)}/finalistit/{slug}/")
        from django.utils import translation

        with translation.override(language):
            image_call = share_call(Competition.objects.get(pk=year.pk))
        staff_home = text_of(admin_login(Client(), staff).get("/admin/"))

    places = {f"{language} {path}": text_of(page) for path, page in pages.items()}
    places |= {
        f"{language} finalist page": text_of(detail),
        f"{language} og:description (and Twitter's card)": meta(detail, "og:description"),
        f"{language} share image": image_call,
        f"{language} letter to the finalist": letter.body,
        "the staff home": staff_home,
    }
    for where, text in places.items():
        assert_last_day(text, where, last_day=VOTE_LAST_DAY, end_moment=VOTE_END_MOMENT)
