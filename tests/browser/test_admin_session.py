"""The admin warns before an idle session ends (the server signs the user out then)."""

import pytest
from django.test import Client
from django.utils import timezone

from tests.admin_login import admin_login
from tests.factories.jury import StaffUserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_an_admin_user_is_warned_before_an_idle_session_ends(live_server, page):
    """Five minutes before the server would sign them out, a notice asks to save."""
    client = Client()
    admin_login(client, StaffUserFactory(groups=["Viestintä"]))
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.clock.install(time=timezone.now())
    page.goto(live_server.url + "/admin/")
    notice = page.locator("#session-timeout-notice")
    assert notice.is_hidden()

    page.clock.run_for("24:59")
    assert notice.is_hidden()
    page.clock.run_for("00:02")

    assert notice.is_visible()
    assert "Tallenna keskeneräinen työsi nyt" in notice.inner_text()
