import io
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from pypdf import PdfReader

from archive import services
from archive.certificates import certificate_pdf
from archive.enums import AwardKind
from archive.models import Award, AwardYear
from jury.enums import Recognition
from tests.admin_login import admin_login
from tests.factories.hyvakaytanto import CompetitionFactory
from tests.factories.jury import FinalistFactory, StaffUserFactory
from tests.pages import text_of

pytestmark = pytest.mark.django_db


def test_publishing_writes_exactly_the_expected_awards(closed_year, staff):
    services.results_publish(competition=closed_year, by=staff)

    awards = {(a.kind, a.practice_name, a.vote_count) for a in Award.objects.filter(year_id=2027)}
    assert awards == {
        (AwardKind.WINNER, "Perhe yhtenäiseksi", 5),
        (AwardKind.AUDIENCE_FAVOURITE, "Perhe yhtenäiseksi", 5),
        (AwardKind.AUDIENCE_FAVOURITE, "Sijaishuollon haastekisa", 5),
        (AwardKind.HONOURABLE_MENTION, "Ruskon nanny", 3),
        (AwardKind.FINALIST, "Sijaishuollon haastekisa", 5),
        (AwardKind.FINALIST, "Enna-malli", 2),
    }
    assert all(a.nomination_id for a in Award.objects.filter(year_id=2027))
    closed_year.refresh_from_db()
    assert closed_year.results_published_at is not None


def test_publishing_twice_creates_nothing_more(closed_year, staff):
    services.results_publish(competition=closed_year, by=staff)
    services.results_publish(competition=closed_year, by=staff)

    assert Award.objects.filter(year_id=2027).count() == 6
    assert AwardYear.objects.filter(year=2027).count() == 1


def test_publishing_before_voting_closes_is_refused(staff):
    competition = CompetitionFactory(voting=True)
    FinalistFactory(
        nomination__competition=competition,
        recognition=Recognition.WINNER,
        recognition_statement="x",
    )

    with pytest.raises(ValidationError, match="ennen kuin äänestys on päättynyt"):
        services.results_publish(competition=competition, by=staff)
    assert not AwardYear.objects.filter(year=competition.year).exists()


def test_publishing_without_a_winner_is_refused(staff):
    competition = CompetitionFactory(deliberation=True)
    FinalistFactory(nomination__competition=competition)

    with pytest.raises(ValidationError, match="ei ole vielä kirjannut voittajaa"):
        services.results_publish(competition=competition, by=staff)


def test_jurors_cannot_publish(closed_year):
    with pytest.raises(PermissionDenied):
        services.results_publish(competition=closed_year, by=StaffUserFactory())


def test_unpublishing_removes_exactly_what_publishing_added(closed_year, staff):
    before = (AwardYear.objects.count(), Award.objects.count())
    services.results_publish(competition=closed_year, by=staff)

    services.results_unpublish(competition=closed_year, by=staff)

    closed_year.refresh_from_db()
    assert (AwardYear.objects.count(), Award.objects.count()) == before
    assert closed_year.results_published_at is None


def test_no_result_is_public_before_publication(client, closed_year):
    assert client.get("/tulokset/2027/").status_code == 404
    for url in ["/", "/finalistit/", "/arkisto/", "/arkisto/2027/"]:
        text = text_of(client.get(url))
        assert "Raadin valinta." not in text
        assert "Yleisön suosikki" not in text


def test_after_publication_results_front_page_and_archive_show_the_year(
    client, closed_year, staff, mailoutbox, delivering
):
    with delivering():
        services.results_publish(competition=closed_year, by=staff)

    results = text_of(client.get("/tulokset/2027/"))
    archive = text_of(client.get("/arkisto/"))
    home = client.get("/").content.decode()
    assert "Perhe yhtenäiseksi" in results and "Raadin valinta." in results
    assert "Yleisöäänestys päättyi tasan" in results
    assert "1000 euroa" in results
    assert "2027" in archive and "Perhe yhtenäiseksi" in archive
    assert "/tulokset/2027/" in home
    assert len(mailoutbox) == 4  # one per finalist
    winner_mail = next(m for m in mailoutbox if "Onnittelut" in m.body)
    assert "https://hyvakaytanto.example/tulokset/2027/" in winner_mail.body


def test_results_chart_is_valid_markup_whose_shares_add_up_to_100(client, closed_year, staff):
    services.results_publish(competition=closed_year, by=staff)

    html = client.get("/tulokset/2027/").content.decode()

    chart = re.search(r'<figure class="results-chart".*?</figure>', html, flags=re.DOTALL).group(0)
    root = ET.fromstring(chart)  # noqa: S314 - our own markup, parsed to prove it is well formed
    values = [s.text for s in root.iter("span") if s.get("class") == "chart-value"]
    shares = [float(re.match(r"([\d,]+)\u00a0%", v).group(1).replace(",", ".")) for v in values]
    bars = [float(r.get("width")) for r in root.iter("{http://www.w3.org/2000/svg}rect")]
    assert len(shares) == len(bars) == 4
    assert sum(shares) == pytest.approx(100, abs=0.2)
    assert max(bars) == 100  # the widest bar fills its row; the others in proportion
    assert "<caption>Yhteensä 15 ääntä.</caption>" in html


def test_historical_year_results_show_what_is_known_without_votes(client):
    text = text_of(client.get("/tulokset/2009/"))

    assert "Neuvolan perhetyö" in text and "Time Out!" in text
    assert "ei ole yleisöäänestyksen tietoja" in text


def test_certificate_pdf_contains_the_practice_name_with_finnish_letters(closed_year, staff):
    services.results_publish(competition=closed_year, by=staff)
    award = Award.objects.get(kind=AwardKind.WINNER, year_id=2027)
    award.practice_name = "Äänestäjän ja työntekijän yhteinen käytäntö – Åland"

    pdf = PdfReader(io.BytesIO(certificate_pdf(award)))

    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "Äänestäjän ja työntekijän yhteinen käytäntö" in text
    assert "Åland" in text
    assert "KUNNIAKIRJA" in text


def test_staff_download_a_certificate_from_the_admin(client, closed_year, staff):
    services.results_publish(competition=closed_year, by=staff)
    award = Award.objects.get(kind=AwardKind.HONOURABLE_MENTION)
    admin_login(client, staff)

    response = client.get(reverse("admin:archive_award_certificate", args=[award.pk]))

    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_publish_action_previews_before_publishing(client, closed_year, staff):
    admin_login(client, staff)
    url = reverse("admin:archive_resultspublication_changelist")
    action = {"action": "publish", "_selected_action": [closed_year.pk]}

    preview = client.post(url, action)
    assert "Perhe yhtenäiseksi" in text_of(preview)
    assert closed_year.nominations.first().awards.count() == 0

    client.post(url, {**action, "confirm": "1"})
    closed_year.refresh_from_db()
    assert closed_year.results_published_at is not None


def test_statistics_count_nominations_finalists_and_votes(client, closed_year, staff):
    admin_login(client, staff)

    response = client.get(reverse("admin:archive_resultspublication_changelist"))

    (row, regions) = next(
        (c, r) for c, r in response.context["statistics"] if c.pk == closed_year.pk
    )
    assert (row.nominations_received, row.finalists_count, row.votes_cast) == (4, 4, 15)
    assert regions == [("Pirkanmaa", 4)]
