"""Small things a person trips on in the browser: ticks kept in a draft, a too large file
refused before it is sent, and long links and figures that stay inside a phone's width."""

import re

import pytest

from archive import services as archive_services
from tests.browser.conftest import has_horizontal_scroll, screenshot
from tests.browser.test_drafts import HALF, draft_link
from tests.factories.hyvakaytanto import CompetitionFactory
from tests.factories.jury import FinalistFactory, StaffUserFactory
from tests.factories.nominations import NominationFactory
from tests.factories.voting import VoteFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 375, "height": 800}
LONG_LINK = "https://www.innokyla.fi/fi/toimintamalli/" + "asiakaslahtoinen-osallisuusmalli-" * 4


def test_a_draft_keeps_the_consent_ticks(live_server, browser):
    CompetitionFactory()
    page = browser.new_context(base_url=live_server.url, viewport=PHONE).new_page()
    page.goto("/ehdota/")
    page.check("[name=privacy_acknowledged]")
    page.check("[name=publish_consent]")
    for name, text in HALF.items():
        page.fill(f"[name={name}]", text)
        page.keyboard.press("Tab")
    page.wait_for_selector("#draft-status:has-text('Luonnos tallennettu klo')")
    page.close()

    later = browser.new_context(base_url=live_server.url, viewport=PHONE).new_page()
    later.goto(draft_link())

    assert later.is_checked("[name=privacy_acknowledged]")
    assert later.is_checked("[name=publish_consent]")


def test_a_file_over_the_limit_is_refused_before_it_is_sent(live_server, browser):
    CompetitionFactory()
    page = browser.new_context(base_url=live_server.url, viewport=PHONE).new_page()
    page.goto("/ehdota/")
    uploads = []
    page.on(
        "request", lambda request: uploads.append(request) if request.method == "POST" else None
    )

    page.set_input_files(
        "[name=attachments]",
        files=[
            {
                "name": "raportti.pdf",
                "mimeType": "application/pdf",
                "buffer": b"%PDF" + b"0" * (11 * 1024 * 1024),
            }
        ],
    )

    message = page.locator("#id_attachments-size-error")
    assert re.search(r"Tiedosto raportti\.pdf on liian suuri \(11,0 Mt\)", message.inner_text())
    assert page.evaluate("() => document.querySelector('[name=attachments]').files.length") == 0
    assert uploads == []
    screenshot(page, "nominate-file-too-large-375")


def test_a_long_innokyla_link_stays_inside_the_phone(live_server, browser):
    NominationFactory(token="pitka-linkki-token-abcdefghijklmnopqrstuv", innokyla_url=LONG_LINK)
    page = browser.new_context(base_url=live_server.url, viewport=PHONE).new_page()

    page.goto("/ehdotus/pitka-linkki-token-abcdefghijklmnopqrstuv/")

    screenshot(page, "nominator-private-page-long-link-375")
    assert not has_horizontal_scroll(page)


def test_the_swedish_results_keep_each_share_with_its_percent_sign(live_server, browser):
    competition = CompetitionFactory(deliberation=True)
    finalists = [
        FinalistFactory(
            nomination__competition=competition,
            nomination__practice_name=f"Mycket långt namn på en praktik nummer {n}",
            nomination__innokyla_url=LONG_LINK,
            recognition="winner" if n == 0 else "",
            recognition_statement="Raati valitsi." if n == 0 else "",
        )
        for n in range(3)
    ]
    for n, finalist in enumerate(finalists):
        VoteFactory.create_batch(n + 1, finalist=finalist, competition=competition)
    archive_services.results_publish(
        competition=competition, by=StaffUserFactory(is_superuser=True)
    )
    page = browser.new_context(base_url=live_server.url, viewport=PHONE).new_page()

    page.goto(f"/sv/tulokset/{competition.year}/")

    screenshot(page, "results-sv-375")
    assert not has_horizontal_scroll(page)
    # No line of the page starts with the % sign: the number and its sign stay together.
    lines = page.evaluate("() => document.body.innerText.split('\\n').map(l => l.trim())")
    assert not [line for line in lines if line.startswith("%")]
