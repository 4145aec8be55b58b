import pytest
from django.urls import reverse

from archive.enums import AwardKind
from archive.models import Award, AwardYear
from tests.factories.archive import AwardFactory, AwardYearFactory
from tests.pages import text_of

pytestmark = pytest.mark.django_db


def test_archive_lists_every_year_2007_to_2022_newest_first(client):
    response = client.get(reverse("archive:index"))

    years = [award_year.year for award_year in response.context["years"]]
    assert years == list(range(2022, 2006, -1))


def test_archive_shows_sixteen_winners_across_fifteen_award_years(client):
    response = client.get(reverse("archive:index"))

    years = response.context["years"]
    winners = [a for y in years for a in y.awards.all() if a.kind == AwardKind.WINNER]
    award_years = {a.year_id for a in winners}
    assert len(winners) == 16
    assert len(award_years) == 15
    assert response.content.decode().count('class="award-kind-winner"') == 16


def test_archive_marks_2015_as_not_awarded(client):
    response = client.get(reverse("archive:index"))

    assert "Palkintoa ei jaettu vuonna 2015." in text_of(response)


def test_archive_shows_the_2022_finalists_and_the_winner_once(client):
    text = text_of(client.get(reverse("archive:index")))

    for finalist in ["Enna-malli", "Ruskon nanny", "Sijaishuollon haastekisa"]:
        assert finalist in text
    assert text.count("Perhe yhtenäiseksi – perheterapeuttista tukea pakolaisperheille") == 1


def test_archive_year_2009_shows_both_winners(client):
    response = client.get(reverse("archive:year", kwargs={"year": 2009}))

    text = text_of(response)
    assert response.status_code == 200
    assert "Voittajat" in text
    assert "Neuvolan perhetyö – varhaista tukea perheille" in text
    assert "Time Out! Aikalisä! Elämä raiteilleen" in text


def test_archive_year_2022_shows_the_jury_statement(client):
    text = text_of(client.get(reverse("archive:year", kwargs={"year": 2022})))

    assert "Palkintoraati kiittää Enna-mallia" in text
    assert "Finalistit" in text


def test_archive_year_2015_says_no_award_was_given(client):
    response = client.get(reverse("archive:year", kwargs={"year": 2015}))

    assert response.status_code == 200
    assert "Palkintoa ei jaettu vuonna 2015." in text_of(response)


def test_archive_unknown_year_is_a_finnish_404(client):
    response = client.get("/arkisto/1999/")

    assert response.status_code == 404
    assert "Sivua ei löytynyt" in text_of(response)
    assert '<html lang="fi">' in response.content.decode()


@pytest.mark.parametrize(
    ("search", "expected_years"),
    [
        ("Kaikukortti", [2018]),
        ("pesäpuu", [2022, 2016]),  # an organisation, case-insensitive
        ("Jyväskylän", [2012, 2009]),
    ],
)
def test_archive_search_finds_practices_and_organisations(client, search, expected_years):
    response = client.get(reverse("archive:index"), {"q": search})

    assert [y.year for y in response.context["years"]] == expected_years


def test_archive_search_shows_only_the_matching_awards_of_a_year(client):
    response = client.get(reverse("archive:index"), {"q": "Ruskon"})

    (year,) = response.context["years"]
    assert [a.practice_name for a in year.awards.all()] == [
        "Ruskon nanny – lainattavaa kasvatusapua lapsiperheille"
    ]


def test_archive_search_without_results_says_so_and_keeps_the_query(client):
    response = client.get(reverse("archive:index"), {"q": "<b>olematon</b>"})

    html = response.content.decode()
    assert list(response.context["years"]) == []
    assert "Haulla ei löytynyt palkittuja" in text_of(response)
    assert 'value="&lt;b&gt;olematon&lt;/b&gt;"' in html
    assert "<b>olematon</b>" not in html


@pytest.mark.parametrize("count", [1, 3])
def test_archive_index_query_count_does_not_grow_with_years(
    client, django_assert_num_queries, count
):
    AwardYear.objects.all().delete()
    for _ in range(count):
        year = AwardYearFactory()
        AwardFactory(year=year)
        AwardFactory(year=year, finalist=True)

    with django_assert_num_queries(2):  # the years, and their awards in one prefetch
        response = client.get(reverse("archive:index"))

    assert len(response.context["years"]) == count


@pytest.mark.parametrize("count", [1, 3])
def test_archive_year_query_count_does_not_grow_with_awards(
    client, django_assert_num_queries, count
):
    year = AwardYearFactory()
    AwardFactory.create_batch(count, year=year, finalist=True)

    with django_assert_num_queries(4):  # the year, its awards, the previous and next year
        response = client.get(reverse("archive:year", kwargs={"year": year.year}))

    assert Award.objects.filter(year=year).count() == count
    assert response.content.decode().count("card-title") == count
