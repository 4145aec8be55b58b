"""The nomination and the vote, completed with the keyboard alone."""

import pytest
from django.test import Client

from core.models import Criterion
from nominations.models import Nomination
from tests.factories.hyvakaytanto import CompetitionFactory
from tests.factories.jury import FinalistFactory
from tests.factories.voting import VoterFactory
from voting.models import Vote

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def tab_to(page, selector: str, *, limit: int = 120) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_a_nomination_can_be_completed_with_the_keyboard_alone(site):
    CompetitionFactory()
    site.open("/ehdota/")
    texts = {
        "practice_name": "Kokemusasiantuntijaraati",
        "summary": "Kokemusasiantuntijat arvioivat palveluja.",
        "organisations": "Recovery-hanke",
        "target_group": "Mielenterveyskuntoutujat",
        "innokyla_url": "https://innokyla.fi/fi/toimintamalli/raati",
        **{f"criterion_{c.number}": f"Perustelu {c.number}." for c in Criterion.objects.all()},
        "contact_name": "Maija Meikäläinen",
        "contact_title": "Sosiaalityöntekijä",
        "contact_email": "maija@example.fi",
        "contact_phone": "040 123 4567",
    }

    for name, text in texts.items():
        tab_to(site, f"[name={name}]")
        site.keyboard.type(text)
    tab_to(site, "[name=region]")
    for _ in range(40):
        if site.eval_on_selector("[name=region]", "e => e.value") == "pirkanmaa":
            break
        site.keyboard.press("ArrowDown")
    for name in ["publish_consent", "privacy_acknowledged"]:
        tab_to(site, f"[name={name}]")
        site.keyboard.press("Space")
    tab_to(site, "button[type=submit]")
    site.keyboard.press("Enter")
    site.wait_for_selector("text=Kiitos! Ehdotus on vastaanotettu.")

    nomination = Nomination.objects.get()
    assert (nomination.practice_name, nomination.region) == (
        "Kokemusasiantuntijaraati",
        "pirkanmaa",
    )
    assert nomination.answers.count() == 4


def test_a_vote_is_confirmed_with_the_keyboard_alone_on_a_phone_and_cancel_casts_nothing(
    site, live_server
):
    competition = CompetitionFactory(voting=True)
    FinalistFactory(nomination__competition=competition, nomination__practice_name="Ruskon nanny")
    FinalistFactory(nomination__competition=competition, nomination__practice_name="Enna-malli")
    voter = VoterFactory()
    client = Client()
    client.force_login(voter)
    site.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    site.set_viewport_size({"width": 375, "height": 800})  # on a phone
    site.open("/finalistit/")

    # First a change of mind: the confirmation's Peruuta leads back and casts nothing.
    tab_to(site, "a[href='/finalistit/ruskon-nanny/aanesta/']")
    site.keyboard.press("Enter")
    site.wait_for_selector("text=Äänestät: Ruskon nanny.")
    tab_to(site, "form a.btn-outline-secondary")
    site.keyboard.press("Enter")
    site.wait_for_url(f"{live_server.url}/finalistit/")
    assert not Vote.objects.exists()

    tab_to(site, "a[href='/finalistit/enna-malli/aanesta/']")
    assert site.locator(":focus").is_visible()
    assert site.evaluate(
        "() => { const r = document.activeElement.getBoundingClientRect();"
        " return r.left >= 0 && r.right <= window.innerWidth; }"
    )
    assert site.evaluate("() => document.activeElement.textContent") == "Äänestä: Enna-malli"
    site.keyboard.press("Enter")
    site.wait_for_selector("text=Ääntä ei voi muuttaa.")
    assert not Vote.objects.exists()
    tab_to(site, "form button[type=submit]")
    site.keyboard.press("Enter")
    site.wait_for_selector("text=Kiitos! Äänesi finalistille")

    assert Vote.objects.get().finalist.nomination.practice_name == "Enna-malli"
    assert (
        site.locator("article:has-text('Enna-malli')")
        .inner_text()
        .count("Äänestit tätä finalistia")
        == 1
    )
    assert site.locator("text=Kiitos äänestäsi!").is_visible()
    site.screenshot(path="test-artifacts/vote-confirmed-375.png", full_page=True)
