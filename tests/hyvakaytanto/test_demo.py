"""The demo year (``manage.py demo_data``): coherent in every phase, reset cleanly, and with
accounts that exist in development only."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from core.checks import demo_accounts_in_production
from core.enums import Phase
from core.models import Competition
from hyvakaytanto.demo import ACCOUNTS_FILE
from jury.models import ConflictOfInterest, Finalist, JuryMember, Score
from tests.pages import text_of
from voting.models import Vote

pytestmark = pytest.mark.django_db


def demo(settings, phase: str) -> tuple[Competition, str]:
    settings.DEBUG = True
    out = StringIO()
    call_command("demo_data", "--phase", phase, stdout=out)
    return Competition.objects.get(), out.getvalue()


def pages(year: int) -> dict:
    client = Client()
    return {
        "home": text_of(client.get("/")),
        "finalists": text_of(client.get("/finalistit/")),
        "results": client.get(f"/tulokset/{year}/"),
        "archive": text_of(client.get("/arkisto/")),
    }


@pytest.mark.parametrize("phase", [phase.value for phase in Phase])
def test_the_demo_years_pages_agree_about_its_phase(settings, phase):
    competition, _ = demo(settings, phase)
    seen = pages(competition.year)
    year_in_archive = f"{competition.year} " in seen["archive"]
    results_public = seen["results"].status_code == 200

    assert competition.phase == Phase(phase)
    expected_home = {
        # A year in preparation is not public: the front page waits for the next call.
        "draft": "Seuraavan kilpailun aikataulu julkaistaan täällä",
        "nomination": "Ehdotuksia otetaan vastaan",
        "review": "Palkintoraati arvioi ehdotuksia",
        "voting": "Yleisöäänestys on käynnissä",
        "deliberation": "Palkintoraati valitsee voittajan",
        "published": f"Vuoden {competition.year} voittaja",
    }
    assert expected_home[phase] in seen["home"]
    finalists_public = phase in {"voting", "deliberation", "published"}
    assert ("Palkintoraadin perustelut" in seen["finalists"]) == finalists_public
    if phase == "voting":
        assert "Kirjaudu äänestämään" in seen["finalists"]
    if phase in {"deliberation", "published"}:
        assert "Äänestys on päättynyt" in seen["finalists"]
    assert ("Katso tulokset" in seen["finalists"]) == (phase == "published")
    assert results_public == (phase == "published")
    assert year_in_archive == (phase == "published")


def test_in_the_voting_phase_a_voter_sees_four_finalists_with_a_vote_button_each(settings):
    from tests.factories.voting import VoterFactory

    demo(settings, "voting")
    client = Client()
    client.force_login(VoterFactory())

    html = client.get("/finalistit/").content.decode()

    assert len(re.findall(r'href="/finalistit/[\w-]+/aanesta/"', html)) == 4
    assert html.count("Äänestä: ") == 4


def test_the_demo_panel_has_a_chair_three_jurors_varied_scores_and_one_conflict(settings):
    competition, _ = demo(settings, "deliberation")

    seats = JuryMember.objects.filter(competition=competition)
    values = set(
        Score.objects.filter(nomination__competition=competition).values_list("value", flat=True)
    )
    assert sorted(seats.values_list("role", flat=True)) == ["chair", "member", "member", "member"]
    assert ConflictOfInterest.objects.filter(juror__competition=competition).count() == 1
    assert len(values) >= 4  # the jurors use most of the scale
    assert Finalist.objects.filter(nomination__competition=competition).count() == 4
    assert Vote.objects.filter(competition=competition).count() == 59


def test_the_demo_jury_held_its_meeting_with_notes_and_two_revisions_that_moved_a_place(
    settings,
):
    from jury.models import AgendaItem, ScoreRevision
    from jury.statistics import placements

    competition, _ = demo(settings, "voting")

    agenda = AgendaItem.objects.filter(competition=competition)
    revisions = ScoreRevision.objects.filter(score__juror__competition=competition)
    moved = [p for p in placements(competition.pk) if p.moved]
    assert agenda.count() >= 3
    assert agenda.exclude(note="").count() == 2
    assert revisions.count() == 2 and all(r.after > r.before and r.reason for r in revisions)
    assert {p.moved for p in moved} == {1, -1}  # one practice up a place, one down
    assert all(p.after > competition.finalist_count for p in moved)  # below the line


def test_the_published_demo_has_a_winner_and_an_audience_favourite(settings):
    competition, _ = demo(settings, "published")

    results = text_of(Client().get(f"/tulokset/{competition.year}/"))

    assert "Voittaja" in results
    assert "Yleisön suosikki" in results


def test_switching_back_to_draft_leaves_nothing_of_the_results_public(settings):
    published, _ = demo(settings, "published")
    winner = Finalist.objects.get(nomination__competition=published, recognition="winner")
    name = winner.nomination.practice_name

    competition, _ = demo(settings, "draft")
    seen = pages(competition.year)

    assert competition.phase == Phase.DRAFT
    assert seen["results"].status_code == 404
    assert name not in seen["home"] + seen["finalists"] + seen["archive"]
    assert not Finalist.objects.filter(nomination__competition=competition).exists()
    assert not Vote.objects.filter(competition=competition).exists()


def test_demo_data_prints_the_accounts_and_their_codes(settings):
    _, printed = demo(settings, "review")

    for username in ("demo-viestinta", "demo-puheenjohtaja", "demo-raati"):
        line = next(line for line in printed.splitlines() if username in line)
        assert len(re.findall(r"\b\d{6}\b", line)) == 5
    assert "password for all: hyva-kaytanto-demo" in printed


def test_demo_accounts_cannot_be_created_with_debug_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="only with DEBUG on"):
        call_command("demo_data", stdout=StringIO())

    assert not get_user_model().objects.filter(username__startswith="demo-").exists()
    assert not Competition.objects.exists()


def test_a_demo_account_left_behind_cannot_sign_in_with_debug_off(settings):
    demo(settings, "nomination")
    settings.DEBUG = False
    client = Client()

    response = client.post(
        "/admin/login/", {"username": "demo-viestinta", "password": "hyva-kaytanto-demo"}
    )

    assert response.status_code == 200  # the login form again, with its error
    assert "_auth_user_id" not in client.session
    errors = demo_accounts_in_production(None, databases=["default"])
    assert [error.id for error in errors] == ["hyvakaytanto.E001"]


def test_dev_start_prints_the_accounts_once(settings):
    """``python3 dev.py start`` builds the demo with its accounts to the file only, and
    prints the file once, just before the site starts."""
    settings.DEBUG = True
    out = StringIO()

    call_command("demo_data", "--accounts-to-file-only", stdout=out)

    assert "password for all" not in out.getvalue()
    assert "password for all: hyva-kaytanto-demo" in ACCOUNTS_FILE.read_text()
    dev = (Path(__file__).resolve().parents[2] / "dev.py").read_text()
    assert '"demo_data", "--accounts-to-file-only"' in dev


@pytest.mark.parametrize("phase", ["voting", "deliberation", "published"])
def test_the_demos_votes_fall_inside_its_voting_window(settings, phase):
    competition, _ = demo(settings, phase)

    moments = list(Vote.objects.filter(competition=competition).values_list("cast_at", flat=True))

    assert moments
    assert all(competition.voting_opens_at <= m < competition.voting_closes_at for m in moments)
    assert max(moments) <= timezone.now()
