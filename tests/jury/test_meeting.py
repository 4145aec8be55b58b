"""The jury's meeting: the site proposes an agenda of the close and contested calls, the chair
arranges it and writes what was said, and every juror follows it with no names shown."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from jury.models import AgendaItem, Score, ScoreRevision
from jury.queries import ranking
from jury.services import score_revise
from jury.statistics import agenda_candidates, placements, reliability
from tests.factories.jury import JuryMemberFactory
from tests.factories.nominations import NominationFactory
from tests.jury.conftest import login
from tests.jury.test_queries import give
from tests.pages import text_of

pytestmark = pytest.mark.django_db
MEETING = "/admin/jury/agendaitem/"


@pytest.fixture
def panel(panel_year):
    """Four jurors, the chair among them, and six nominations: two clear leaders, two at the
    line (one juror for each), one the jurors disagree on widely, one with an outlier."""
    panel_year.finalist_count = 3
    panel_year.save(update_fields=["finalist_count"])
    chair = JuryMemberFactory(competition=panel_year, chair=True, user__first_name="Pirjo")
    jurors = [chair, *JuryMemberFactory.create_batch(3, competition=panel_year)]
    names = ["Selvä ykkönen", "Selvä kakkonen", "Rajalla A", "Rajalla B", "Kiistelty", "Poikkeus"]
    nominations = {
        name: NominationFactory(competition=panel_year, practice_name=name) for name in names
    }
    for n, juror in enumerate(jurors):
        give(juror, nominations["Selvä ykkönen"], [5, 5, 5, 5])
        give(juror, nominations["Selvä kakkonen"], [5, 5, 5, 4])
        give(juror, nominations["Rajalla A"], [4, 4, 4, 4] if n < 2 else [3, 3, 3, 3])
        give(juror, nominations["Rajalla B"], [3, 3, 3, 3] if n < 2 else [4, 4, 4, 4])
        give(juror, nominations["Kiistelty"], [2, 5 if n % 2 else 1, 2, 2])
        give(juror, nominations["Poikkeus"], [2, 2, 2, 3 if n == 3 else 1])
    for juror in jurors:
        juror.done_at = timezone.now()
        juror.save(update_fields=["done_at"])
    return panel_year, chair, jurors[1:], nominations


def test_the_site_proposes_the_line_first_then_disagreement_then_an_outlier(panel):
    year, _chair, _jurors, nominations = panel

    proposed = agenda_candidates(year.pk, reliability(year.pk, top_n=3, seed=1))
    names = {n.pk: name for name, n in nominations.items()}

    assert [names[c.nomination_id] for c in proposed] == [
        "Rajalla A",
        "Rajalla B",
        "Kiistelty",
        "Poikkeus",
    ]
    assert proposed[0].reasons == ("Finalistirajalla: kärkeen pääsy riippuu raadin kokoonpanosta",)
    assert proposed[2].reasons == ("Erimielisyys: K2, pisteet 4 pisteen päässä toisistaan",)
    assert proposed[3].reasons == ("Poikkeava arvio: K4, yksi arvioija 2,0 pistettä muista",)


def test_the_chair_arranges_the_agenda_and_notes_what_was_said(panel, client):
    year, chair, _jurors, nominations = panel
    login(client, chair)

    client.post(MEETING, {"ehdota": "1"})
    items = list(AgendaItem.objects.filter(competition=year).order_by("position"))
    assert len(items) == 4
    # The chair moves the contested one to the top, typing a note before pressing the button.
    client.post(MEETING, {"kohta": items[2].pk, "muistiinpano": "Katsotaan ensin.", "ylos": "1"})
    client.post(MEETING, {"kohta": items[2].pk, "ylos": "1"})
    client.post(MEETING, {"kohta": items[3].pk, "poista": "1"})
    client.post(MEETING, {"lisaa": "1", "nomination": nominations["Selvä kakkonen"].pk})
    client.post(MEETING, {"kohta": items[0].pk, "muistiinpano": "<b>Sovittiin</b> äänestää."})

    order = [
        (item.nomination.practice_name, item.note)
        for item in AgendaItem.objects.filter(competition=year).order_by("position")
    ]
    assert order == [
        ("Kiistelty", "Katsotaan ensin."),
        ("Rajalla A", "<b>Sovittiin</b> äänestää."),
        ("Rajalla B", ""),
        ("Selvä kakkonen", ""),
    ]
    page = client.get(MEETING).content.decode()
    assert "&lt;b&gt;Sovittiin&lt;/b&gt; äänestää." in page


def test_jurors_follow_the_agenda_without_names_and_cannot_change_it(panel, client):
    year, chair, jurors, _nominations = panel
    login(client, chair)
    client.post(MEETING, {"ehdota": "1"})
    item = AgendaItem.objects.filter(competition=year).first()
    client.post(MEETING, {"kohta": item.pk, "muistiinpano": "Keskusteltu."})

    login(client, jurors[0])
    page = client.get(MEETING)
    refused = client.post(MEETING, {"kohta": item.pk, "poista": "1"})

    text = text_of(page)
    assert page.status_code == 200
    assert "1. Rajalla A" in text and "Keskusteltu." in text
    assert "Pisteiden jakauma kriteereittäin (arvioijia ei nimetä)" in text
    assert "Pirjo" not in text and chair.user.username not in text
    assert 'name="muistiinpano"' not in page.content.decode()
    assert refused.status_code == 403
    assert AgendaItem.objects.filter(pk=item.pk).exists()


def test_another_years_juror_sees_their_own_years_meeting_only(panel, client, foreign_juror):
    _year, chair, _jurors, _nominations = panel
    login(client, chair)
    client.post(MEETING, {"ehdota": "1"})

    login(client, foreign_juror)
    page = client.get(MEETING)

    assert "Rajalla A" not in page.content.decode()


def test_once_the_finalists_are_published_the_agenda_stays_as_it_was(panel, client):
    year, chair, _jurors, _nominations = panel
    login(client, chair)
    client.post(MEETING, {"ehdota": "1"})
    year.finalists_published_at = timezone.now()
    year.save(update_fields=["finalists_published_at"])

    refused = client.post(MEETING, {"ehdota": "1"})

    assert refused.status_code == 403
    assert 'name="ehdota"' not in client.get(MEETING).content.decode()


@pytest.mark.parametrize("value", ["abc", "", "1\n", "9" * 30])
def test_a_bad_item_or_nomination_is_refused_never_a_500(panel, client, value):
    _year, chair, _jurors, _nominations = panel
    login(client, chair)

    assert client.post(MEETING, {"kohta": value, "poista": "1"}).status_code in {400, 404}
    added = client.post(MEETING, {"lisaa": "1", "nomination": value}, follow=True)
    assert "Valitse tämän vuoden ehdotus." in text_of(added)


def open_round(client, chair, days=1):
    login(client, chair)
    client.post(MEETING, {"ehdota": "1"})
    day = timezone.localdate() + timedelta(days=days)
    return client.post(MEETING, {"avaa_tarkistus": "1", "paattyy": day.isoformat()}, follow=True)


def test_a_revision_with_a_reason_keeps_both_scores_and_moves_the_placements(panel, client):
    year, chair, jurors, nominations = panel
    opened = open_round(client, chair)
    assert "Tarkistuskierros on auki" in text_of(opened)
    item = AgendaItem.objects.get(competition=year, nomination=nominations["Rajalla B"])

    login(client, jurors[0])  # who scored Rajalla B lower than Rajalla A
    revised = client.post(
        MEETING,
        {
            "tarkista": "1",
            "kohta": item.pk,
            "k1": 5,
            "k2": 5,
            "k3": 4,
            "k4": 4,
            "perustelu": "Vaikuttavuus selvisi keskustelussa.",
        },
        follow=True,
    )

    assert "Tarkistus tallennettu perusteluineen." in text_of(revised)
    changes = ScoreRevision.objects.filter(score__juror=jurors[0]).order_by("score__criterion")
    assert [(c.before, c.after) for c in changes] == [(3, 5), (3, 5), (3, 4), (3, 4)]
    score = Score.objects.get(
        juror=jurors[0], nomination=nominations["Rajalla B"], criterion__number=1
    )
    assert score.value == 5
    assert score.history.first().history_change_reason == "Vaikuttavuus selvisi keskustelussa."
    moved = {p.nomination_id: (p.before, p.after) for p in placements(year.pk) if p.moved}
    assert moved == {nominations["Rajalla B"].pk: (4, 3), nominations["Rajalla A"].pk: (3, 4)}
    page = text_of(revised)
    assert "Sijoitukset ennen ja jälkeen keskustelun" in page
    assert "K1: 3 → 5 – Vaikuttavuus selvisi keskustelussa." in page
    # The shortlist reads the scores as they are now: Rajalla B ranks third.
    assert [n.practice_name for n in ranking(year.nominations.all())][:3] == [
        "Selvä ykkönen",
        "Selvä kakkonen",
        "Rajalla B",
    ]


def test_a_revision_without_a_reason_is_refused_and_keeps_what_was_typed(panel, client):
    year, chair, jurors, nominations = panel
    open_round(client, chair)
    item = AgendaItem.objects.get(competition=year, nomination=nominations["Rajalla B"])
    login(client, jurors[0])

    refused = client.post(
        MEETING, {"tarkista": "1", "kohta": item.pk, "k1": 5, "k2": 3, "k3": 3, "k4": 3}
    )

    assert "Kerro, miksi muutat pisteitä" in text_of(refused)
    assert '<option value="5" selected>5</option>' in refused.content.decode()
    assert not ScoreRevision.objects.exists()


def test_a_revision_off_the_agenda_or_after_the_round_is_refused_in_finnish(
    panel, client, time_machine
):
    _year, chair, jurors, nominations = panel
    open_round(client, chair)
    seat = jurors[0]

    with pytest.raises(ValidationError, match="Vain kokouksen asialistan ehdotusten"):
        score_revise(
            seat=seat, nomination_id=nominations["Selvä ykkönen"].pk, values={1: 4}, reason="x"
        )
    time_machine.move_to(timezone.now() + timedelta(days=3))
    with pytest.raises(ValidationError, match="Tarkistuskierros ei ole auki"):
        score_revise(
            seat=seat, nomination_id=nominations["Rajalla B"].pk, values={1: 5}, reason="x"
        )
    assert not ScoreRevision.objects.exists()


def test_the_ranking_export_holds_the_places_before_and_after_the_discussion(panel, client):
    _year, chair, jurors, nominations = panel
    open_round(client, chair)
    score_revise(
        seat=jurors[0],
        nomination_id=nominations["Rajalla B"].pk,
        values={1: 5, 2: 5, 3: 4, 4: 4},
        reason="Vaikuttavuus selvisi keskustelussa.",
    )
    login(client, chair)

    export = client.post(
        "/admin/jury/rankingentry/",
        {"action": "export_csv", "_selected_action": [nominations["Rajalla B"].pk]},
    )

    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0]["Käytäntö"] == "Rajalla B"
    assert (rows[0]["Sijoitus ennen keskustelua"], rows[0]["Sijoitus keskustelun jälkeen"]) == (
        "4",
        "3",
    )
    assert rows[0]["Arvioijien summien keskiarvo ennen keskustelua"] == "14.0"
