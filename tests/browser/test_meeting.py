"""The jury's year in Chromium, four jurors: each calibrates on the chair's example text and
scores on the ordinary sheet; the chair proposes the agenda, moves an item and writes a note
on a phone; a juror follows the same agenda read-only; the chair opens a revision round, a
juror changes their scores with a reason, the page shows the places before and after, and
the ranking the shortlist is made from reads the revised scores. axe finds nothing
serious."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from core.models import Criterion
from jury.models import CalibrationText, Finalist, Score
from tests.admin_login import admin_login
from tests.browser.conftest import (
    has_horizontal_scroll,
    screenshot,
    serious_accessibility_violations,
)
from tests.factories.hyvakaytanto import CompetitionFactory
from tests.factories.jury import JuryMemberFactory
from tests.factories.nominations import NominationFactory

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
    CalibrationText.objects.create(
        competition=year,
        title="Esimerkki: perheiden ryhmätoiminta",
        text="Kunta kokeili vertaisryhmiä perheille ja arvioi niitä kyselyllä.",
        reference={str(n): 3 for n in range(1, 5)},
    )

    def sheet(n, nomination) -> list[int]:
        """Juror n's scores: one clear leader; two at the line, where the panel's halves see
        it the other way round; one the jurors disagree on widely."""
        if nomination == nominations[0]:
            return [5, 5, 5, 5]
        if nomination in nominations[1:3]:
            first = (nomination == nominations[1]) == (n < 2)
            return [4] * 4 if first else [3] * 4
        return [2, 5 if n % 2 else 1, 2, 2]

    criteria = list(Criterion.objects.order_by("number"))
    for n, juror in enumerate(jurors):
        page = signed_in(browser, live_server, juror.user)
        # 1. Calibration first: the list says so, then the juror sees the references.
        page.goto(live_server.url + "/admin/jury/scoringnomination/")
        page.get_by_role("link", name="Aloita kalibroinnilla").click()
        for criterion in criteria:
            page.get_by_label(f"Pisteesi, K{criterion.number}").select_option(str(2 + n % 3))
        page.get_by_role("button", name="Tallenna kalibrointipisteet").click()
        page.wait_for_selector("text=Puheenjohtajan viitepisteet: 3")
        if n == 0:
            assert serious_accessibility_violations(page) == []
            screenshot(page, "meeting-calibration-1280")
        # 2. Scoring, on the ordinary sheet.
        for nomination in nominations:
            values = sheet(n, nomination)
            page.goto(live_server.url + f"/admin/jury/scoringnomination/{nomination.pk}/change/")
            for criterion, value in zip(criteria, values, strict=True):
                page.check(f"input[name=value_{criterion.pk}][value='{value}']")
            page.click("input[type=submit][value='Tallenna']")
            page.wait_for_selector("text=Pisteet on tallennettu.")
        page.context.close()
    assert Score.objects.count() == 4 * 4 * 4

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
    for nomination in (nominations[0], nominations[2]):
        chair_desk.check(f"input[name=_selected_action][value='{nomination.pk}']")
    chair_desk.select_option("select[name=action]", "shortlist")
    chair_desk.click("button[name=index]")
    chair_desk.wait_for_selector("text=2 finalistia valittu.")
    assert sorted(Finalist.objects.values_list("nomination__practice_name", flat=True)) == [
        "Perhe yhtenäiseksi",
        "Sijaishuollon haastekisa",
    ]
