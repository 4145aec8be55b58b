"""Calibration before scoring: the chair writes example texts with reference scores; each
juror scores them first, then sees the panel's spread and the references; the scores never
count, and the reliability report shows each juror's offset beside their leniency."""

import pytest
from django.urls import reverse

from jury.models import CalibrationText, Score
from tests.factories.jury import JuryMemberFactory
from tests.factories.nominations import NominationFactory
from tests.jury.conftest import login, sheet
from tests.jury.test_queries import give
from tests.pages import text_of

pytestmark = pytest.mark.django_db
CALIBRATION = "/admin/jury/scoringnomination/kalibrointi/"


@pytest.fixture
def calibrated_year(panel_year, chair, client):
    """The chair's two calibration texts, written in the admin."""
    login(client, chair)
    for title, reference in [("Esimerkki A", "4"), ("Esimerkki B", "2")]:
        added = client.post(
            "/admin/jury/calibrationtext/add/",
            {
                "competition": panel_year.pk,
                "title": title,
                "text": f"{title}: kunta kokeili ryhmätoimintaa.",
                **{f"k{n}": reference for n in range(1, 5)},
            },
        )
        assert added.status_code == 302, text_of(added)
    return panel_year


def calibrate(client, values: dict) -> object:
    data = {}
    for text in CalibrationText.objects.order_by("pk"):
        for number in range(1, 5):
            if (text.title, number) in values:
                data[f"t{text.pk}_k{number}"] = str(values[(text.title, number)])
    return client.post(CALIBRATION, data, follow=True)


def test_a_juror_calibrates_first_then_sees_the_spread_and_the_references(
    calibrated_year, juror, other_juror, client, nomination
):
    login(client, juror)
    home = text_of(client.get(reverse("admin:jury_scoringnomination_changelist")))
    refused = client.post(
        reverse("admin:jury_scoringnomination_change", args=[nomination.pk]), sheet(4)
    )

    assert "Aloita kalibroinnilla" in home
    assert "Pisteytä ensin vuoden kalibrointitekstit" in text_of(refused)
    assert not Score.objects.exists()

    # One score missing: refused in Finnish, the others kept on the page.
    values = {(t, n): 3 for t in ["Esimerkki A", "Esimerkki B"] for n in range(1, 5)}
    missing = dict(values)
    del missing[("Esimerkki B", 4)]
    half = calibrate(client, missing)
    assert "Anna pisteet jokaiselle kriteerille myös tekstissä ”Esimerkki B”." in text_of(half)
    assert '<option value="3" selected>3</option>' in half.content.decode()
    assert "Puheenjohtajan viitepisteet" not in text_of(half)

    done = text_of(calibrate(client, values))
    assert "Olet pisteyttänyt kalibrointitekstit" in done
    assert "Puheenjohtajan viitepisteet: 4" in done and "Puheenjohtajan viitepisteet: 2" in done
    client.post(reverse("admin:jury_scoringnomination_change", args=[nomination.pk]), sheet(4))
    assert Score.objects.filter(juror=juror).count() == 4


def test_calibration_scores_never_count_and_the_report_shows_each_offset(
    calibrated_year, chair, juror, client
):
    login(client, juror)
    calibrate(client, {(t, n): 5 for t in ["Esimerkki A", "Esimerkki B"] for n in range(1, 5)})
    members = [chair, juror, *JuryMemberFactory.create_batch(2, competition=calibrated_year)]
    for rank, nomination in enumerate(
        NominationFactory.create_batch(5, competition=calibrated_year)
    ):
        for seat in members:
            give(seat, nomination, [max(1, 5 - rank)] * 4)
    login(client, chair)

    report = text_of(
        client.get(reverse("admin:jury_rankingentry_reliability", args=[calibrated_year.pk]))
    )

    assert "Kalibrointipoikkeama" in report
    assert "2,00" in report or "2.00" in report  # (5 − 4 + 5 − 2) / 2 per criterion
    assert "ei kalibroinut" in report
    # Only the real sheets count: every nomination has four sheets of the same totals.
    assert Score.objects.filter(juror=juror).count() == 20


def test_only_the_years_chair_writes_calibration_texts(calibrated_year, juror, client):
    login(client, juror)

    assert client.get("/admin/jury/calibrationtext/").status_code == 403
    assert client.get(CALIBRATION).status_code == 200  # the juror's own page


def test_a_year_without_texts_has_no_calibration(panel_year, juror, client, nomination):
    login(client, juror)

    assert client.get(CALIBRATION).status_code == 404
    saved = client.post(
        reverse("admin:jury_scoringnomination_change", args=[nomination.pk]), sheet(4)
    )
    assert saved.status_code == 302


def test_a_text_without_a_reference_score_is_refused_and_keeps_what_was_typed(
    panel_year, chair, client
):
    login(client, chair)
    form = client.get("/admin/jury/calibrationtext/add/").content.decode()
    assert f'<option value="{panel_year.pk}" selected>' in form  # the chair's year, preselected

    refused = client.post(
        "/admin/jury/calibrationtext/add/",
        {"competition": panel_year.pk, "title": "Esimerkki C", "text": "Kunta kokeili.", "k1": "3"},
    )

    assert refused.status_code == 200
    assert "Tämä kenttä vaaditaan." in text_of(refused)
    assert 'value="Esimerkki C"' in refused.content.decode()
    assert not CalibrationText.objects.exists()
