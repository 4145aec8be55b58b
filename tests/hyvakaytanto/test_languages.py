"""Swedish and English pages show Swedish and English throughout."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.factories.hyvakaytanto import CompetitionFactory
from tests.factories.jury import FinalistFactory
from tests.factories.nominations import NominationFactory
from tests.nominations.conftest import valid_form_data

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def finnish_fragments() -> set[str]:
    """Pieces of the interface's Finnish texts that a translated page must not show: the
    parts between placeholders with at least three words or fifteen letters (shorter ones,
    like "Hyvä käytäntö", also occur in the data)."""
    with (ROOT / "locale" / "sv" / "LC_MESSAGES" / "django.po").open("rb") as source:
        catalogue = read_po(source)
    fragments = set()
    for message in catalogue:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for text in ids:
            if not text:  # untranslated ones too: a public page must not show them either
                continue
            for piece in re.split(r"%\(\w+\)\w|%%|\{\w*\}", text):
                piece = " ".join(piece.split()).strip(" ,.:;–”")
                if len(piece.split()) >= 3 or len(piece) >= 15:
                    fragments.add(piece)
    return fragments


FINNISH = finnish_fragments()


def visible_text(response) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def untranslated(response) -> list[str]:
    text = visible_text(response)
    return sorted(fragment for fragment in FINNISH if fragment in text)


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/ehdota/",
        "/arkisto/",
        "/arkisto/2022/",
        "/arkisto/2015/",
        "/tietosuoja/",
        "/ehdotus/linkki/",
        "/tili/kirjaudu/",
        "/aanestyksen-saannot/",
    ],
)
def test_public_page_has_no_finnish_left(client, language, path):
    CompetitionFactory()

    response = client.get(f"/{language}{path}")

    assert response.status_code == 200
    assert untranslated(response) == []
    assert f'<html lang="{language}">' in response.content.decode()


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("phase", ["review", "voting", "deliberation"])
def test_finalist_page_has_no_finnish_left(client, language, phase):
    competition = CompetitionFactory(**{phase: True})
    FinalistFactory(nomination__competition=competition)

    assert untranslated(client.get(f"/{language}/finalistit/")) == []


@pytest.mark.parametrize("language", ["sv", "en"])
def test_results_and_nomination_pages_have_no_finnish_left(client, language, published_year):
    NominationFactory(token="lang-token", competition=CompetitionFactory())

    for path in ["/tulokset/2031/", "/ehdotus/lang-token/", "/ehdotus/lang-token/muokkaa/"]:
        assert untranslated(client.get(f"/{language}{path}")) == [], path


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_code_page_has_no_finnish_left(client, language):
    CompetitionFactory()

    response = client.post(
        f"/{language}/tili/kirjaudu/", {"email": "liisa@example.fi"}, follow=True
    )

    assert response.request["PATH_INFO"] == f"/{language}/tili/kirjaudu/koodi/"
    assert untranslated(response) == []


@pytest.mark.parametrize("language", ["sv", "en"])
def test_disposable_address_refusal_is_translated(client, language):
    CompetitionFactory()

    response = client.post(f"/{language}/tili/kirjaudu/", {"email": "x@mailinator.com"})

    text = visible_text(response)
    assert {"sv": "Man kan inte rösta med", "en": "cannot vote"}[language] in text
    assert untranslated(response) == []


@pytest.mark.parametrize("language", ["sv", "en"])
def test_a_draft_its_page_and_its_email_have_no_finnish_left(
    client, language, mailoutbox, delivering
):
    CompetitionFactory()

    with delivering():
        page = client.post(
            f"/{language}/ehdota/",
            {"action": "draft", "contact_email": "liisa@example.fi", "practice_name": "X"},
            follow=True,
        )

    assert "/ehdotus/luonnos/" in page.request["PATH_INFO"]
    assert untranslated(page) == []
    (message,) = mailoutbox
    assert [f for f in FINNISH if f in message.subject + message.body] == []


@pytest.mark.parametrize("language", ["sv", "en"])
def test_form_errors_are_translated(client, language):
    CompetitionFactory()

    response = client.post(f"/{language}/ehdota/", valid_form_data(summary="", criterion_1=""))

    assert response.status_code == 400
    assert untranslated(response) == []


@pytest.mark.parametrize(
    ("language", "criterion", "deadline_words"),
    [
        ("sv", "Utvärderad", "till och med"),
        ("en", "Evaluated", "until"),
        ("fi", "Arvioitu", "asti"),
    ],
)
def test_criteria_and_dates_follow_the_language(client, language, criterion, deadline_words):
    CompetitionFactory()
    prefix = "" if language == "fi" else f"/{language}"

    text = visible_text(client.get(f"{prefix}/"))

    assert criterion in text
    assert deadline_words in text
    assert re.search(r"\b\d{1,2}\.\d{1,2}\.\d{4}\b", text)  # 27.2.2022, the local way


def test_a_nomination_made_in_swedish_gets_its_emails_in_swedish(client, mailoutbox, delivering):
    CompetitionFactory()

    with delivering():
        client.post("/sv/ehdota/", valid_form_data())

    (email,) = mailoutbox
    assert email.subject.startswith("Förslaget har tagits emot")
    assert "Din egen länk till förslaget" in email.body


def test_the_language_links_keep_the_page(client):
    page = client.get("/arkisto/?q=perhe").content.decode()

    assert 'href="/sv/arkisto/?q=perhe" lang="sv"' in page
    assert 'href="/en/arkisto/?q=perhe" lang="en"' in page
    assert 'href="/arkisto/?q=perhe" lang="fi"' in page


def test_the_years_own_texts_follow_the_language_and_fall_back_to_finnish(client):
    CompetitionFactory(
        introduction="Ehdota sosiaalialan hyvää käytäntöä.",
        introduction_sv="Föreslå en god praxis inom det sociala området.",
        prize_text_en="1,000 euros and a conference trip.",
    )

    swedish = visible_text(client.get("/sv/"))
    english = visible_text(client.get("/en/"))

    assert "Föreslå en god praxis inom det sociala området." in swedish
    assert "1,000 euros and a conference trip." in english
    assert "Ehdota sosiaalialan hyvää käytäntöä." in english  # no English introduction yet


# Finnish names that stay Finnish in every language: places and the site's own names.
PROPER_NAMES = {"kymenlaaks", "javascript"}  # the same in every language


@pytest.mark.parametrize("language", ["sv", "en"])
def test_no_translation_keeps_a_finnish_word_of_its_original(language):
    """A translation that copies a long Finnish word of its original (in any inflection: its
    first ten letters) left Finnish on the page, as "på Sosiaalialan asiantuntijapäivät" did."""
    with (ROOT / "locale" / language / "LC_MESSAGES" / "django.po").open("rb") as source:
        catalogue = read_po(source)
    leaks = []
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        stems = {
            word[:10].lower()
            for text in ids
            for word in re.findall(r"[^\W\d_]+", text)
            if len(word) >= 10
        } - PROPER_NAMES
        leaks += [(stem, s) for s in strings for stem in stems if stem in s.lower()]

    assert leaks == []


def test_statements_follow_the_language_and_fall_back_to_finnish_marked_as_finnish(client):
    competition = CompetitionFactory(voting=True)
    FinalistFactory(
        nomination__competition=competition,
        statement="Raati kiittää mallin vaikuttavuutta.",
        statement_sv="Juryn berömmer modellens effekt.",
    )

    swedish = client.get("/sv/finalistit/").content.decode()
    english = client.get("/en/finalistit/").content.decode()

    assert '<blockquote class="mb-0" lang="sv"><p>Juryn berömmer modellens effekt.</p>' in swedish
    assert "Raati kiittää" not in swedish
    assert '<blockquote class="mb-0" lang="fi"><p>Raati kiittää mallin vaikuttavuutta.</p>' in (
        english
    )
