"""Each finalist's own page: shareable, with a card picture, and the vote."""

import io

import pytest
from PIL import Image

from tests.factories.hyvakaytanto import CompetitionFactory
from tests.factories.voting import VoterFactory, open_finalist

pytestmark = pytest.mark.django_db


def meta(html: str, prop: str) -> str:
    import re

    found = re.search(rf'<meta (?:property|name)="{re.escape(prop)}" content="([^"]*)"', html)
    return found.group(1) if found else ""


def test_a_finalist_page_carries_a_card_for_sharing(client):
    finalist = open_finalist(nomination__practice_name="Perhetyön malli Äänekoskella")
    listing = client.get("/finalistit/").content.decode()

    response = client.get("/finalistit/perhetyon-malli-aanekoskella/")
    html = response.content.decode()
    image = client.get(meta(html, "og:image").removeprefix("http://testserver"))

    assert 'href="/finalistit/perhetyon-malli-aanekoskella/"' in listing
    assert response.status_code == 200
    assert "Perhetyön malli Äänekoskella" in meta(html, "og:title")
    assert meta(html, "og:description").startswith("Äänestä ")
    assert meta(html, "twitter:card") == "summary_large_image"
    assert finalist.statement in html
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(image.content)).size == (1200, 630)
    assert "public" in response["Cache-Control"] and not response.cookies


def test_a_signed_in_voter_votes_from_the_finalists_own_page(client):
    open_finalist(nomination__practice_name="Perhetyön malli")
    client.force_login(VoterFactory())

    html = client.get("/finalistit/perhetyon-malli/").content.decode()

    assert 'href="/finalistit/perhetyon-malli/aanesta/"' in html
    assert "Äänestä: Perhetyön malli" in html


def test_an_unknown_or_unpublished_finalist_is_not_found(client):
    competition = CompetitionFactory(review=True)  # finalists not yet published
    from tests.factories.jury import FinalistFactory

    FinalistFactory(nomination__competition=competition, nomination__practice_name="Salainen")

    assert client.get("/finalistit/salainen/").status_code == 404
    assert client.get("/finalistit/salainen/kuva.png").status_code == 404
    assert client.get("/finalistit/ei-ole/").status_code == 404


def test_two_finalists_with_one_name_get_addresses_of_their_own(client):
    first = open_finalist(nomination__practice_name="Kotikäynnit")
    second = open_finalist(
        competition=first.nomination.competition, nomination__practice_name="Kotikäynnit"
    )

    one = client.get(f"/finalistit/kotikaynnit-{first.pk}/")
    other = client.get(f"/finalistit/kotikaynnit-{second.pk}/")

    assert one.status_code == other.status_code == 200
    assert one.context["finalist"] != other.context["finalist"]


@pytest.mark.parametrize(
    ("prefix", "region"), [("", "Pirkanmaa"), ("/sv", "Birkaland"), ("/en", "Pirkanmaa")]
)
def test_a_finalist_page_names_the_region_in_the_pages_language(client, prefix, region):
    open_finalist(nomination__practice_name="Perhetyön malli", nomination__region="pirkanmaa")

    html = client.get(f"{prefix}/finalistit/perhetyon-malli/").content.decode()

    assert f"· {region}</p>" in html
