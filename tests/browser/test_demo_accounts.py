"""A newcomer signs in with the demo accounts that `demo_data` (and `python3 dev.py start`)
prints, and reaches each role's main screen."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def printed_accounts(output: str) -> tuple[str, dict[str, list[str]]]:
    password = re.search(r"password for all: (\S+)", output).group(1)
    codes = {
        match.group(1): match.group(2).split(", ")
        for match in re.finditer(r"(demo-\S+)\s+codes: ([\d, ]+)", output)
    }
    return password, codes


@pytest.mark.parametrize(
    ("username", "path", "heading", "expect"),
    [
        ("demo-viestinta", "/admin/", "Sivuston ylläpito", "Seuraavaksi:"),
        (
            "demo-puheenjohtaja",
            "/admin/jury/rankingentry/",
            "Pisteet ja järjestys",
            "Asiakasosallisuusryhmät vammaispalvelujen yhteiskehittämisessä",
        ),
        (
            "demo-raati",
            "/admin/jury/scoringnomination/",
            "Arvioitavat ehdotukset",
            "Edistyminen: 6 / 12 ehdotusta",
        ),
    ],
)
def test_each_role_signs_in_with_the_printed_credentials_and_a_code(
    settings, live_server, page, username, path, heading, expect
):
    settings.DEBUG = True  # the demo exists in development only, on the server too
    out = StringIO()
    call_command("demo_data", "--phase", "review", stdout=out)
    password, codes = printed_accounts(out.getvalue())
    page.set_default_timeout(10_000)

    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.fill("#id_code", codes[username][0])
    page.click("#second-factor-form input[type=submit]")
    page.wait_for_selector("#user-tools")
    page.goto(live_server.url + path)
    screenshot(page, f"demo-{username}")

    assert page.inner_text("#content h1") == heading
    assert expect in page.inner_text("#content")
