"""The jury's meeting in Chromium: the chair proposes the agenda, moves an item and writes a
note on a phone; a juror follows the same agenda read-only; the chair opens a revision
round, a juror changes their scores with a reason, the page shows the places before and
after, and the chair shortlists on the revised scores. axe finds nothing serious."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.admin_login import admin_login
from tests.browser.conftest import (
    has_horizontal_scroll,
    screenshot,
    serious_accessibility_violations,
)
from tests.factories.hyvakaytanto import CompetitionFactory
from tests.factories.jury import JuryMemberFactory
from tests.factories.nominations import NominationFactory
from tests.jury.test_queries import give

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PHONE = {"width": 375, "height": 800}


def signed_in(browser, live_server, user, *, phone=False):
    client = admin_login(Client(), user)
    context = browser.new_context(viewport=PHONE if phone else {"width": 1280, "height": 900})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def test_the_chair_runs_the_meeting_on_a_phone_and_a_juror_follows(live_server, browser):
    year = CompetitionFactory(review=True, finalist_count=2)
    chair = JuryMemberFactory(competition=year, chair=True)
    jurors = [chair, *JuryMemberFactory.create_batch(3, competition=year)]
    names = ["Perhe yhtenäiseksi", "Enna-malli", "Sijaishuollon haastekisa", "Ruskon nanny"]
    nominations = [NominationFactory(competition=year, practice_name=name) for name in names]
    for n, juror in enumerate(jurors):
        give(juror, nominations[0], [5, 5, 5, 5])
        give(juror, nominations[1], [4, 4, 4, 4] if n < 2 else [3, 3, 3, 3])
        give(juror, nominations[2], [3, 3, 3, 3] if n < 2 else [4, 4, 4, 4])
        give(juror, nominations[3], [2, 5 if n % 2 else 1, 2, 2])

    phone = signed_in(browser, live_server, chair.user, phone=True)
    phone.goto(live_server.url + "/admin/jury/agendaitem/")
    phone.get_by_role("button", name="Ehdota asialista").click()
    phone.wait_for_selector("text=Asialistalle lisättiin 3 ehdotusta.")
    headings = phone.locator(".meeting-item h2").all_inner_texts()
    assert headings == ["1. Enna-malli", "2. Sijaishuollon haastekisa", "3. Ruskon nanny"]
    third = phone.locator(".meeting-item").nth(2)
    third.get_by_label("Muistiinpano").fill("Keskustellaan ensin: kaksi näkemystä.")
    third.get_by_role("button", name="Ylös").click()
    phone.wait_for_selector("text=Muistiinpano tallennettu.")
    assert phone.locator(".meeting-item h2").all_inner_texts()[1] == "2. Ruskon nanny"
    assert not has_horizontal_scroll(phone), "the meeting scrolls sideways at 375 px"
    assert serious_accessibility_violations(phone) == []
    screenshot(phone, "meeting-chair-375")

    follower = signed_in(browser, live_server, jurors[2].user)
    follower.goto(live_server.url + "/admin/jury/agendaitem/")
    text = follower.inner_text("#content-main")
    assert "Keskustellaan ensin: kaksi näkemystä." in text
    assert follower.locator("textarea").count() == 0
    assert serious_accessibility_violations(follower) == []
    screenshot(follower, "meeting-juror-1280")

    # After the meeting: a revision round until tomorrow; juror 3 moves Sijaishuollon
    # haastekisa up, with a reason.
    tomorrow = timezone.localdate() + timedelta(days=1)
    phone.fill("#id_paattyy", tomorrow.isoformat())
    phone.get_by_role("button", name="Avaa tarkistuskierros").click()
    phone.wait_for_selector("text=Tarkistuskierros on auki.")
    follower.reload()
    item = follower.locator(".meeting-item", has_text="Sijaishuollon haastekisa")
    for number in range(1, 5):
        item.get_by_label(f"K{number}", exact=True).select_option("5")
    item.get_by_role("button", name="Tallenna tarkistus").click()
    follower.wait_for_selector("text=Kerro, miksi muutat pisteitä")  # no reason: refused
    item = follower.locator(".meeting-item", has_text="Sijaishuollon haastekisa")
    assert item.get_by_label("K1", exact=True).input_value() == "5"  # what was chosen stays
    item.get_by_label("Perustelu (pakollinen, jää historiaan)").fill("Vaikutus näkyi luvuissa.")
    item.get_by_role("button", name="Tallenna tarkistus").click()
    follower.wait_for_selector("text=Tarkistus tallennettu perusteluineen.")
    assert "K1: 4 → 5 – Vaikutus näkyi luvuissa." in follower.inner_text("#content-main")
    assert serious_accessibility_violations(follower) == []
    screenshot(follower, "meeting-revised-1280")

    phone.reload()
    moved = phone.locator("#moved-heading + .table-scroll").inner_text()
    assert "Sijaishuollon haastekisa\t3.\t2.\tylös 1" in moved
    assert not has_horizontal_scroll(phone)
    screenshot(phone, "meeting-before-after-375")

    # The shortlist reads the revised scores: the two best now are the winner and the mover.
    chair_desk = signed_in(browser, live_server, chair.user)
    chair_desk.goto(live_server.url + "/admin/jury/rankingentry/")
    rows = chair_desk.locator("#result_list tbody tr").all_inner_texts()
    assert [row.split("\t")[1] for row in rows][:2] == [
        "Perhe yhtenäiseksi",
        "Sijaishuollon haastekisa",
    ]
