"""Every public page: no serious or critical axe-core finding, and usable 375 px wide."""

import pytest

from archive import services as archive_services
from jury.enums import Recognition
from tests.browser.conftest import (
    has_horizontal_scroll,
    screenshot,
    serious_accessibility_violations,
)
from tests.factories.hyvakaytanto import CompetitionFactory
from tests.factories.jury import FinalistFactory, StaffUserFactory
from tests.factories.voting import VoteFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 375, "height": 800}


def check(page, name: str) -> None:
    assert serious_accessibility_violations(page) == [], name
    page.set_viewport_size(PHONE)
    assert not has_horizontal_scroll(page), f"{name} scrolls sideways at 375 px"
    screenshot(page, name)
    page.set_viewport_size({"width": 1280, "height": 900})


def finalists_of(competition):
    for n, name in enumerate(["Ruskon nanny", "Enna-malli", "Sijaishuollon haastekisa"]):
        FinalistFactory(
            nomination__competition=competition, nomination__practice_name=name, order=n
        )


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/arkisto/",
        "/arkisto/2022/",
        "/arkisto/2015/",
        "/tulokset/2009/",
        "/tili/kirjaudu/",
        "/tietosuoja/",
        "/ehdotus/linkki/",
    ],
)
def test_public_page_is_accessible_and_fits_a_phone(site, path):
    CompetitionFactory()
    site.open(path)

    check(site, "page" + path.replace("/", "_"))


def test_the_code_page_is_accessible_and_fits_a_phone(site):
    CompetitionFactory()
    site.open("/tili/kirjaudu/")
    site.get_by_label("Sähköpostiosoite").fill("liisa@example.fi")
    site.get_by_role("button", name="Lähetä koodi").click()
    site.wait_for_url("**/tili/kirjaudu/koodi/")

    check(site, "page_tili_kirjaudu_koodi")


@pytest.mark.parametrize("path", ["/aanestyksen-saannot/", "/tili/kirjaudu/"])
def test_the_voting_rules_and_the_sign_in_with_its_proof_of_work_at_both_widths(site, path):
    finalists_of(CompetitionFactory(voting=True))
    site.open(path)
    if path == "/tili/kirjaudu/":  # the widget drawn and, once ticked, solved
        site.get_by_label("En ole robotti").click()
        site.get_by_text("Tarkistettu").wait_for()
    name = "page" + path.replace("/", "_") + "widths"
    for width in (1280, 375):
        site.set_viewport_size({"width": width, "height": 900})
        assert serious_accessibility_violations(site) == [], f"{path} at {width} px"
        assert not has_horizontal_scroll(site), f"{path} scrolls sideways at {width} px"
        screenshot(site, f"{name}_{width}")


def test_nomination_form_is_accessible_empty_and_with_errors(site):
    CompetitionFactory()
    site.open("/ehdota/")
    check(site, "nominate-empty")

    site.get_by_role("button", name="Lähetä ehdotus").click()
    site.wait_for_selector("#form-errors")

    check(site, "nominate-errors")


@pytest.mark.parametrize("phase", ["review", "voting", "deliberation"])
def test_finalist_page_is_accessible_in_every_phase(site, phase):
    finalists_of(CompetitionFactory(**{phase: True}))

    site.open("/finalistit/")

    check(site, f"finalists-{phase}")


def published_results():
    """A year whose results are out: three finalists, the first one the winner with 3 votes."""
    competition = CompetitionFactory(deliberation=True)
    finalists_of(competition)
    winner = competition.nominations.first().finalist
    winner.recognition, winner.recognition_statement = Recognition.WINNER, "Raadin valinta."
    winner.save()
    VoteFactory.create_batch(3, finalist=winner, competition=competition)
    archive_services.results_publish(
        competition=competition, by=StaffUserFactory(groups=["Viestintä"])
    )
    return competition


def test_results_page_is_accessible(site):
    competition = published_results()

    site.open(f"/tulokset/{competition.year}/")

    check(site, "results")


def test_results_chart_reads_on_a_phone(site):
    competition = published_results()
    site.set_viewport_size(PHONE)

    site.open(f"/tulokset/{competition.year}/")
    sizes = site.eval_on_selector_all(
        ".results-chart .chart-label, .results-chart .chart-value",
        "nodes => nodes.map(n => parseFloat(getComputedStyle(n).fontSize))",
    )

    assert len(sizes) == 6  # a label and a value for each of the three finalists
    assert min(sizes) >= 12


def test_public_pages_describe_themselves_and_log_no_console_error(site):
    competition = CompetitionFactory(voting=True)
    finalists_of(competition)
    errors = []
    site.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    site.on("pageerror", lambda error: errors.append(str(error)))

    for path in [
        "/",
        "/finalistit/",
        "/arkisto/",
        "/arkisto/2022/",
        "/tulokset/2009/",
        "/tietosuoja/",
    ]:
        site.open(path)
        description = site.get_attribute('meta[name="description"]', "content")
        assert description and len(description) > 50, path
        assert site.get_attribute('meta[property="og:title"]', "content"), path

    assert errors == []


@pytest.mark.parametrize(
    "phase", ["draft", "nomination", "review", "voting", "deliberation", "published"]
)
def test_the_front_page_in_every_phase(site, phase):
    competition = CompetitionFactory(**({} if phase == "nomination" else {phase: True}))
    if phase in ("voting", "deliberation", "published"):
        finalists_of(competition)
    if phase == "published":
        from tests.factories.archive import AwardFactory, AwardYearFactory

        AwardFactory(
            year=AwardYearFactory(year=competition.year, competition=competition),
            kind="winner",
            practice_name="Ruskon nanny",
            jury_statement="Raadin yksimielinen valinta.",
        )

    site.open("/")
    screenshot(site, f"front-{phase}-1280")

    assert serious_accessibility_violations(site) == [], phase
    site.set_viewport_size(PHONE)
    assert not has_horizontal_scroll(site), f"the front page scrolls sideways at 375 px ({phase})"
    screenshot(site, f"front-{phase}-375")
