"""The hand-over from one year to the next, in Chromium: 2027 is published, staff create 2028
from it, the public pages stay as they were while 2028 is in preparation, and when 2028's call
opens the front page follows."""

import pytest
from django.contrib.auth import get_user_model

from archive import services as archive_services
from core.models import Competition
from tests.browser.conftest import screenshot
from tests.browser.test_whole_year import PASSWORD, Year, set_timeline
from tests.queue import run_worker

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PUBLIC_PAGES = ["/", "/finalistit/", "/ehdota/", "/tulokset/2027/"]


def public_view(year: Year) -> dict[str, str]:
    """What a visitor reads on each public page (the main content)."""
    page = year.person()
    seen = {}
    for path in PUBLIC_PAGES:
        response = page.goto(path)
        assert response.status == 200, path
        seen[path] = page.inner_text("main")
    page.context.close()
    return seen


def test_staff_create_next_year_and_the_public_sees_it_only_when_its_call_opens(
    browser, live_server, closed_year
):
    staff_user = get_user_model().objects.create_superuser(
        "viestinta", "viestinta@talentia.example", PASSWORD
    )
    archive_services.results_publish(competition=closed_year, by=staff_user)
    run_worker()
    year = Year(browser, live_server.url)

    before = public_view(year)
    assert "vuoden 2027 voittaja" in before["/"].lower()  # shown in capitals
    assert "Perhe yhtenäiseksi" in before["/"]

    # Staff create 2028 from 2027, from the year's own admin page.
    staff = year.admin("viestinta")
    staff.goto(f"/admin/hyvakaytanto/competition/{closed_year.pk}/change/")
    staff.get_by_role("link", name="Luo seuraava kilpailuvuosi").click()
    assert "Vuosi 2028 luodaan vuoden 2027 pohjalta" in staff.inner_text("#content")
    screenshot(staff, "next-year-preview")
    staff.get_by_role("button", name="Luo vuosi 2028").click()
    staff.wait_for_selector(".messagelist .success")
    following = Competition.objects.get(year=2028)
    assert following.title == closed_year.title.replace("2027", "2028")

    # In preparation: the public pages read exactly as before.
    assert public_view(year) == before
    # Staff see its front page in the preview.
    staff.goto("/?esikatselu=2028")
    assert "Esikatselu: näin vuoden 2028 etusivu näkyy yleisölle" in staff.inner_text("main")

    # 2028's call opens (staff move its first day to today); the front page follows, with
    # 2027's winner below as last year's.
    set_timeline(
        staff,
        following.pk,
        nomination_opens_on=0,
        nomination_last_day=60,
        scoring_last_day=100,
        voting_opens_on=110,
        voting_last_day=131,
    )
    visitor = year.person()
    visitor.goto("/")
    front = visitor.inner_text("main")
    assert following.title in front
    assert "Ehdota käytäntöä" in front
    assert "palkittu 2027" in front.lower() and "Perhe yhtenäiseksi" in front
    screenshot(visitor, "two-years-front-page")
    visitor.goto("/ehdota/")
    assert visitor.locator("[name=practice_name]").count() == 1
    visitor.goto("/tulokset/2027/")
    assert visitor.inner_text("main") == before["/tulokset/2027/"]
