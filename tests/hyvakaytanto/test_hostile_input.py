"""Hostile or malformed input gets a clear Finnish answer, never a 500, and nothing of it is
saved."""

import pytest
from django.urls import reverse

from nominations.models import Nomination
from tests.admin_login import admin_login
from tests.factories.nominations import NominationFactory
from tests.nominations.conftest import valid_form_data

pytestmark = pytest.mark.django_db

SINGLE_LINE_ERROR = "Kirjoita tämä kenttä yhdelle riville"


@pytest.mark.parametrize(
    "practice_name",
    ["Perhetyö\r\nBcc: kaikki@example.fi", "Perhetyö \u202eätnätyäk", "Perhe\ttyö"],
    ids=["line break", "right-to-left override", "tab"],
)
def test_a_practice_name_with_control_characters_is_refused_in_finnish_and_nothing_saved(
    client, competition, practice_name
):
    data = valid_form_data(practice_name=practice_name)

    response = client.post("/ehdota/", data)

    text = response.content.decode()
    assert response.status_code == 400
    assert SINGLE_LINE_ERROR in text
    assert data["criterion_1"] in text  # what was typed comes back
    assert data["contact_name"] in text
    assert not Nomination.objects.exists()


def test_a_practice_name_with_nul_is_refused_in_finnish_and_nothing_saved(client, competition):
    response = client.post("/ehdota/", valid_form_data(practice_name="Perhetyö\x00"))

    assert response.status_code == 400
    assert "Virheellinen pyyntö" in response.content.decode()
    assert not Nomination.objects.exists()


def test_a_contact_name_with_a_line_break_is_refused_when_editing(client):
    nomination = NominationFactory(token="hostile-edit-token")
    data = valid_form_data(contact_name="Liisa\nLappalainen")

    response = client.post("/ehdotus/hostile-edit-token/muokkaa/", data)

    nomination.refresh_from_db()
    assert SINGLE_LINE_ERROR in response.content.decode()
    assert nomination.contact_name != "Liisa\nLappalainen"


@pytest.mark.parametrize(
    "path",
    ["/arkisto/?q=a%00", "/arkisto/?q%00=a", "/finalistit/?x=%00", "/?q=%00"],
)
def test_nul_in_a_query_string_answers_400_in_finnish(client, path):
    response = client.get(path)

    text = response.content.decode()
    assert response.status_code == 400
    assert "Virheellinen pyyntö" in text
    assert "näkymättömiä ohjausmerkkejä" in text
    assert 'hreflang="sv"' in text  # the language links still work


def test_nul_in_an_admin_search_answers_400(client, staff):
    admin_login(client, staff)

    response = client.get(reverse("admin:nominations_nomination_changelist"), {"q": "a\x00"})

    assert response.status_code == 400


def test_nul_in_an_admin_action_answers_400_and_changes_nothing(client, staff):
    nomination = NominationFactory()
    admin_login(client, staff)

    response = client.post(
        reverse("admin:nominations_nomination_changelist"),
        {"action": "mark_ineligible", "_selected_action": [f"{nomination.pk}\x00"]},
    )

    nomination.refresh_from_db()
    assert response.status_code == 400
    assert nomination.state == "submitted"


def test_malformed_percent_encoding_in_a_search_is_answered(client):
    response = client.get("/arkisto/?q=%ff%fe")

    assert response.status_code == 200


def test_a_nomination_with_accents_and_symbols_is_accepted(client, competition):
    response = client.post(
        "/ehdota/", valid_form_data(practice_name="Lapset & \"perheet\" <yhdessä> – 'ensin'")
    )

    assert response.status_code == 302
    assert Nomination.objects.get().practice_name == "Lapset & \"perheet\" <yhdessä> – 'ensin'"
