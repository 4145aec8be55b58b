"""A nominator's afternoon of writing survives a closed tab, on a phone."""

import re
import time

import pytest
from django.core import mail

from nominations.models import Nomination, NominationDraft
from tests.browser.conftest import ARTIFACTS, screenshot, serious_accessibility_violations
from tests.factories.hyvakaytanto import CompetitionFactory
from tests.queue import run_worker

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 375, "height": 800}
HALF = {
    "contact_name": "Liisa Lappalainen",
    "contact_title": "Johtava sosiaalityöntekijä",
    "contact_email": "liisa@lapha.example",
    "practice_name": "Menetelmäkortit osallisuuteen",
    "summary": "Kortit tukevat osallisuutta.\nToinen kappale kuvauksesta.",
    "criterion_1": "Kortit ja opas riittävät käyttöönottoon.",
    "criterion_2": "Asiakkaat ja työntekijät ovat antaneet hyvää palautetta.",
}
REST = {
    "contact_phone": "040 765 4321",
    "organisations": "Lapin hyvinvointialue",
    "target_group": "Aikuissosiaalityön asiakkaat",
    "criterion_3": "Osallisuus vahvistuu.",
    "criterion_4": "Arvioitu asiakaskyselyllä 2025.",
}


def draft_link() -> str:
    run_worker()  # the queue's worker delivers what the site queued
    (message,) = [m for m in mail.outbox if "/ehdotus/luonnos/" in m.body]
    return re.search(r"https?://[^/\s]+(/ehdotus/luonnos/[\w-]+/)", message.body).group(1)


def test_half_a_form_survives_closing_the_page_and_is_sent_from_the_emailed_link(
    live_server, browser
):
    CompetitionFactory()
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    page.goto("/ehdota/")
    for name, text in HALF.items():
        page.fill(f"[name={name}]", text)
        page.keyboard.press("Tab")  # leaving a field saves the draft
    page.wait_for_selector("#draft-status:has-text('Luonnos tallennettu klo')")
    assert "/ehdotus/luonnos/" in page.url
    # The status is in sight while the writer is still near the top of the long form.
    box = page.locator("#draft-status").bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]
    page.screenshot(path=str(ARTIFACTS / "draft-00-status-in-sight-375.png"))
    page.fill("[name=target_group]", "Aikuissosiaalityön asiakkaat")  # typed last, then closed
    page.close(run_before_unload=True)
    # The browser finishes that last save as the page goes; the writer comes back later.
    for _ in range(50):
        if NominationDraft.objects.get().data.get("target_group"):
            break
        time.sleep(0.1)

    later = context.new_page()
    later.goto(draft_link())
    for name, text in {**HALF, "target_group": "Aikuissosiaalityön asiakkaat"}.items():
        assert later.input_value(f"[name={name}]") == text, name
    assert serious_accessibility_violations(later) == []
    screenshot(later, "draft-01-opened-from-the-link-375")
    for name, text in REST.items():
        later.fill(f"[name={name}]", text)
    later.select_option("[name=region]", "lappi")
    later.check("[name=publish_consent]")
    later.check("[name=privacy_acknowledged]")
    later.get_by_role("button", name="Lähetä ehdotus").click()

    later.wait_for_selector("text=Kiitos! Ehdotus on vastaanotettu.")
    nomination = Nomination.objects.get()
    assert nomination.practice_name == HALF["practice_name"]
    assert nomination.summary == HALF["summary"]
    assert nomination.answers.get(criterion__number=2).text == HALF["criterion_2"]
    assert not NominationDraft.objects.exists()
    screenshot(later, "draft-02-sent-375")
    context.close()


def test_without_javascript_the_draft_button_alone_saves(live_server, browser):
    CompetitionFactory()
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.goto("/ehdota/")
    for name, text in HALF.items():
        page.fill(f"[name={name}]", text)
    page.get_by_role("button", name="Tallenna luonnos").click()

    page.wait_for_selector("text=Luonnos tallennettu klo")
    assert "/ehdotus/luonnos/" in page.url
    assert page.input_value("[name=criterion_2]") == HALF["criterion_2"]
    assert NominationDraft.objects.get().data["practice_name"] == HALF["practice_name"]
    screenshot(page, "draft-03-saved-without-javascript-1280")
    context.close()
