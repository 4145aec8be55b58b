"""Public pages for visitors who are not signed in: no cookie, cacheable, and kept briefly;
everything personal stays private."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import caches

from archive.models import Award
from core.caching import PAGE_CACHE
from nominations.models import Nomination
from tests.factories.hyvakaytanto import CompetitionFactory
from tests.factories.nominations import NominationFactory
from tests.factories.voting import VoterFactory, open_finalist
from voting import queries as voting_queries
from voting.queries import finalist_slug

pytestmark = pytest.mark.django_db


PUBLIC_PAGES = [
    "/",
    "/sv/",
    "/en/finalistit/",
    "/finalistit/",
    "/arkisto/",
    "/arkisto/2031/",
    "/arkisto/?q=perhe",
    "/tulokset/2031/",
    "/tietosuoja/",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_an_anonymous_visitor_gets_a_public_page_with_no_cookie(client, published_year, path):
    response = client.get(path)

    assert response.status_code == 200
    assert not response.cookies
    assert "Set-Cookie" not in response.headers
    assert "public" in response["Cache-Control"]
    assert "max-age=30" in response["Cache-Control"]
    assert "stale-while-revalidate=120" in response["Cache-Control"]
    assert "Accept-Language" not in response.get("Vary", "")  # the language is in the path
    assert "Cookie" in response["Vary"]  # a signed-in visitor's page differs


def test_a_signed_in_voters_page_is_private(client, published_year):
    client.force_login(VoterFactory())

    response = client.get("/finalistit/")

    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_a_form_page_is_not_public(client, published_year):
    CompetitionFactory()  # a year taking nominations

    response = client.get("/ehdota/")

    assert "public" not in response.get("Cache-Control", "")


def test_a_burst_of_visitors_costs_one_rendering(
    client, settings, published_year, django_assert_num_queries
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 5
    client.get("/arkisto/")

    with django_assert_num_queries(0):
        again = client.get("/arkisto/")

    assert again.status_code == 200
    assert "public" in again["Cache-Control"]
    assert not Session.objects.exists()


def test_a_visitor_with_a_session_is_never_served_the_kept_page(client, settings, published_year):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 5
    client.get("/finalistit/")  # kept for anonymous visitors
    client.force_login(VoterFactory())

    response = client.get("/finalistit/")

    assert "private" in response["Cache-Control"]
    assert "Oma tili" in response.content.decode()


def test_kept_pages_are_reused_only_for_the_configured_seconds(client, settings, published_year):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    client.get("/arkisto/2031/")
    Award.objects.filter(year__year=2031).update(jury_statement="Uusi perustelu.")

    kept = client.get("/arkisto/2031/").content.decode()
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    fresh = client.get("/arkisto/2031/").content.decode()

    assert "Uusi perustelu." not in kept
    assert "Uusi perustelu." in fresh


def test_the_kept_header_follows_the_page_the_language_and_who_is_signed_in(client):
    CompetitionFactory(voting=True)
    anonymous = client.get("/finalistit/").content.decode()
    archive = client.get("/arkisto/").content.decode()
    swedish = client.get("/sv/finalistit/").content.decode()
    client.force_login(VoterFactory())
    voter = client.get("/finalistit/").content.decode()

    assert 'href="/finalistit/" aria-current="page"' in anonymous
    assert 'href="/finalistit/" aria-current="page"' not in archive
    assert 'href="/arkisto/" aria-current="page"' in archive
    assert ">Finalister</a>" in swedish and ">Finalistit</a>" not in swedish
    assert "Oma tili" not in anonymous
    assert "Oma tili" in voter


def og_title(response) -> str:
    return re.search(r'<meta property="og:title" content="([^"]*)"', response.content.decode())[1]


def language_links(response) -> list[str]:
    page = response.content.decode()
    return re.findall(r'<a href="([^"]+)" lang="\w+" hreflang=', page)


def test_a_signed_in_voter_gets_each_pages_own_head_and_language_links(client, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 5
    competition = CompetitionFactory(voting=True)
    finalists = [
        open_finalist(competition=competition, nomination__practice_name=name)
        for name in ("Perhetyön malli", "Nuorten talo")
    ]
    first, second = (f"/finalistit/{finalist_slug(f, finalists)}/" for f in finalists)
    client.force_login(VoterFactory())

    pages = [client.get(path) for path in (first, second, first, f"/sv{second}")]
    searches = [client.get(f"/arkisto/?q={word}") for word in ("perhe", "nuoret")]

    assert [og_title(page).split(" – ")[0] for page in pages] == [
        "Perhetyön malli",
        "Nuorten talo",
        "Perhetyön malli",
        "Nuorten talo",
    ]
    assert og_title(pages[3]).endswith("God praxis")  # the Swedish page's own
    assert language_links(pages[1]) == [second, f"/sv{second}", f"/en{second}"]
    assert language_links(pages[3]) == [second, f"/sv{second}", f"/en{second}"]
    assert 'lang="sv"' in pages[3].content.decode()[:60]
    assert language_links(searches[1]) == [
        "/arkisto/?q=nuoret",
        "/sv/arkisto/?q=nuoret",
        "/en/arkisto/?q=nuoret",
    ]


def test_a_private_pages_head_is_never_kept(client, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 5
    NominationFactory(token="oma-linkki", practice_name="Vanha nimi")
    client.get("/ehdotus/oma-linkki/")
    Nomination.objects.update(practice_name="Uusi nimi")

    page = client.get("/ehdotus/oma-linkki/").content.decode()

    assert "<title>Uusi nimi" in page


def meta_description(response) -> str:
    return re.search(r'<meta name="description" content="([^"]*)"', response.content.decode())[1]


def test_a_signed_in_voter_gets_the_kept_head_until_the_micro_caches_seconds_pass(
    client, settings, monkeypatch
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 5
    open_finalist(nomination__practice_name="Perhetyön malli", nomination__summary="Vanha kuvaus.")
    client.force_login(VoterFactory())
    client.get("/finalistit/perhetyon-malli/")
    Nomination.objects.update(summary="Uusi kuvaus.")
    monkeypatch.setattr(voting_queries, "_snapshot", None)  # the finalists read afresh

    kept = client.get("/finalistit/perhetyon-malli/")
    caches[PAGE_CACHE].clear()  # the seconds have passed
    fresh = client.get("/finalistit/perhetyon-malli/")

    assert "Uusi kuvaus." in kept.content.decode()  # the page itself is rendered for the voter
    assert meta_description(kept) == "Vanha kuvaus."
    assert meta_description(fresh) == "Uusi kuvaus."


def test_a_page_with_a_query_string_gets_its_own_head(client, settings, published_year):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 5
    client.force_login(VoterFactory())

    pages = [client.get(f"/arkisto/?q={word}") for word in ("perhe", "nuoret")]

    assert [
        re.search(r'<meta property="og:url" content="([^"]*)"', page.content.decode())[1]
        for page in pages
    ] == ["http://testserver/arkisto/?q=perhe", "http://testserver/arkisto/?q=nuoret"]


def test_an_error_page_leaves_no_head_for_the_page_that_follows_at_its_address(
    client, settings, monkeypatch
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 5
    competition = CompetitionFactory(voting=True)
    client.force_login(VoterFactory())
    missing = client.get("/finalistit/uusi-malli/")
    open_finalist(competition=competition, nomination__practice_name="Uusi malli")
    monkeypatch.setattr(voting_queries, "_snapshot", None)  # the finalists read afresh

    found = client.get("/finalistit/uusi-malli/")

    assert missing.status_code == 404
    assert found.status_code == 200
    assert og_title(found).startswith("Uusi malli")
    assert "<title>Uusi malli" in found.content.decode()
