"""An invitation in Chromium, as its two people meet it: communications staff invite a juror
to this year's panel; the juror opens the e-mailed link, sets a password and an
authenticator app, keeps the recovery codes, and lands on the nominations to score. The link
works once."""

import base64
import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django_otp.oath import hotp

from jury.models import JuryMember
from tests.browser.conftest import screenshot
from tests.browser.test_whole_year import PASSWORD, Year
from tests.factories.hyvakaytanto import CompetitionFactory
from tests.queue import run_worker

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

JUROR_PASSWORD = "Arviointi-Kevät-2028"


def test_an_invited_juror_makes_their_account_through_the_link_and_lands_on_scoring(
    browser, live_server
):
    competition = CompetitionFactory(year=2028, review=True)
    # A superuser here: after an earlier transactional test, the snapshot the test database is
    # restored from lacks the grants of later migrations to the Viestintä group. What that
    # group may do with invitations is tested in tests/jury/test_invitations.py.
    get_user_model().objects.create_superuser("viestinta", "viestinta@talentia.example", PASSWORD)
    year = Year(browser, live_server.url)

    staff = year.admin("viestinta")
    staff.goto("/admin/jury/invitation/add/")
    staff.fill("#id_first_name", "Aino")
    staff.fill("#id_last_name", "Arvioija")
    staff.fill("#id_email", "aino.arvioija@example.fi")
    staff.select_option("#id_role", "juror")
    staff.select_option("#id_competition", str(competition.pk))
    staff.fill("#id_organisation", "Talentia")
    screenshot(staff, "invitation-add")
    staff.click("input[name=_save]")
    staff.wait_for_selector(".messagelist .success")
    assert "aino.arvioija@example.fi" in staff.inner_text("#result_list")
    assert "Odottaa" in staff.inner_text("#result_list")
    screenshot(staff, "invitation-list")

    run_worker()
    (message,) = [m for m in mail.outbox if m.to == ["aino.arvioija@example.fi"]]
    link = "/" + re.search(r"https?://\S+?/(kutsu/\S+/)", message.body).group(1)

    for width in (1280, 375):
        juror = year.person()
        juror.set_viewport_size({"width": width, "height": 900})
        juror.goto(link)
        assert "Vaihe 1/2" in juror.inner_text("#content")
        screenshot(juror, f"invitation-password-{width}")
        juror.context.close()

    juror = year.person()
    juror.goto(link)
    juror.fill("#id_password1", JUROR_PASSWORD)
    juror.fill("#id_password2", JUROR_PASSWORD + "x")
    juror.click("#invitation-password-form input[type=submit]")
    assert "Salasanat eivät ole samat" in juror.inner_text("#content")
    juror.fill("#id_password1", JUROR_PASSWORD)
    juror.fill("#id_password2", JUROR_PASSWORD)
    juror.click("#invitation-password-form input[type=submit]")

    juror.wait_for_selector("#invitation-enrol-form")
    screenshot(juror, "invitation-enrol")
    secret = juror.inner_text(".second-factor-secret").replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    juror.fill("#id_code", f"{hotp(key, int(time.time()) // 30):06d}")
    juror.click("#invitation-enrol-form input[type=submit]")

    juror.wait_for_selector(".recovery-code-list")
    assert juror.locator(".recovery-code-list li").count() == 10
    screenshot(juror, "invitation-recovery-codes")
    juror.get_by_role("link", name="Olen tallentanut koodit – jatka").click()
    juror.wait_for_url("**/admin/jury/scoringnomination/")
    assert "aino" in juror.inner_text("#user-tools").lower()  # shown in capitals
    assert JuryMember.objects.filter(
        competition=competition, user__email="aino.arvioija@example.fi"
    ).exists()
    screenshot(juror, "invitation-landed")

    # The next day, as any day: the user name, the password and the app's code.
    juror.get_by_role("button", name="Kirjaudu ulos").click()
    juror.goto("/admin/login/")
    juror.fill("#id_username", "aino.arvioija@example.fi")
    juror.fill("#id_password", JUROR_PASSWORD)
    juror.click("input[type=submit]")
    juror.wait_for_selector("#second-factor-form")
    juror.fill("#id_code", f"{hotp(key, int(time.time()) // 30 + 1):06d}")
    juror.click("#second-factor-form input[type=submit]")
    juror.wait_for_url("**/admin/jury/scoringnomination/")

    # The link was for once: anyone opening it again is sent to sign in.
    other = year.person()
    response = other.goto(link)
    assert response.status == 410
    assert "jo käytetty" in other.inner_text("#content")
