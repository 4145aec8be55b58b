import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from nominations.enums import NominationState
from tests.admin_login import admin_login
from tests.factories.hyvakaytanto import CompetitionFactory
from tests.factories.nominations import AttachmentFactory, NominationFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:nominations_nomination_changelist"


def export(client, competition, file_format):
    return client.get(
        reverse("admin:nominations_nomination_export", args=[competition.pk, file_format])
    )


def test_staff_reads_a_nomination_with_answers_and_attachment_link(staff_client):
    attachment = AttachmentFactory()
    nomination = attachment.nomination

    response = staff_client.get(
        reverse("admin:nominations_nomination_change", args=[nomination.pk])
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Vastaus kriteeriin 4." in html
    assert reverse("nominations:attachment_download", args=[attachment.pk]) in html
    assert 'name="practice_name"' not in html  # read only


def test_admin_list_filters_by_competition_state_and_region(staff_client):
    nomination = NominationFactory()
    NominationFactory(withdrawn=True)

    response = staff_client.get(
        reverse(CHANGELIST),
        {
            "competition__id__exact": nomination.competition_id,
            "state__exact": "submitted",
            "region__exact": "pirkanmaa",
        },
    )

    assert list(response.context["cl"].result_list) == [nomination]


def test_mark_ineligible_asks_for_a_reason_then_tells_the_nominator(
    staff_client, mailoutbox, delivering
):
    nomination = NominationFactory()
    action = {"action": "mark_ineligible", "_selected_action": [nomination.pk]}

    form_page = staff_client.post(reverse(CHANGELIST), action)
    with delivering():
        staff_client.post(
            reverse(CHANGELIST), {**action, "apply": "1", "reason": "Käytäntöä ei ole arvioitu."}
        )

    nomination.refresh_from_db()
    assert "Syy (lähetetään ehdottajalle)" in form_page.content.decode()
    assert nomination.state == NominationState.INELIGIBLE
    assert nomination.ineligible_reason == "Käytäntöä ei ole arvioitu."
    assert len(mailoutbox) == 1
    assert "Käytäntöä ei ole arvioitu." in mailoutbox[0].body


def test_mark_ineligible_without_a_reason_changes_nothing(staff_client):
    nomination = NominationFactory()

    response = staff_client.post(
        reverse(CHANGELIST),
        {
            "action": "mark_ineligible",
            "_selected_action": [nomination.pk],
            "apply": "1",
            "reason": "",
        },
    )

    nomination.refresh_from_db()
    assert nomination.state == NominationState.SUBMITTED
    assert "Tämä kenttä vaaditaan." in response.content.decode()


def test_csv_export_has_exactly_the_chosen_competitions_nominations_with_answers(staff_client):
    chosen, other = CompetitionFactory(), CompetitionFactory()
    mine = NominationFactory.create_batch(2, competition=chosen)
    NominationFactory(competition=other, practice_name="Toisen vuoden ehdotus")

    response = export(staff_client, chosen, "csv")

    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert response["Content-Disposition"] == f'attachment; filename="ehdotukset-{chosen.year}.csv"'
    assert sorted(row["Käytäntö"] for row in rows) == sorted(n.practice_name for n in mine)
    assert rows[0]["4. Arvioitu"] == "Vastaus kriteeriin 4."
    assert rows[0]["1. Helposti sovellettava"] == "Vastaus kriteeriin 1."


def test_xlsx_export_opens_in_a_spreadsheet_with_the_same_rows(staff_client):
    competition = CompetitionFactory()
    NominationFactory(competition=competition, practice_name="Ruskon nanny")

    response = export(staff_client, competition, "xlsx")

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, *rows = list(sheet.values)
    assert header[0] == "Käytäntö"
    assert [row[0] for row in rows] == ["Ruskon nanny"]


def test_export_neutralises_spreadsheet_formulas_but_keeps_phone_numbers(staff_client):
    competition = CompetitionFactory()
    NominationFactory(competition=competition, practice_name='=HYPERLINK("x")')

    rows = list(
        csv.reader(
            io.StringIO(export(staff_client, competition, "csv").content.decode("utf-8-sig"))
        )
    )

    assert rows[1][0] == '\'=HYPERLINK("x")'
    assert "+358 40 123 4567" in rows[1]


def test_export_is_refused_to_staff_without_permission(client, django_user_model):
    admin_login(client, django_user_model.objects.create_user("muu", is_staff=True))

    response = export(client, CompetitionFactory(), "csv")

    assert response.status_code == 403


def test_changelist_counts_nominations_per_year(staff_client):
    competition = CompetitionFactory(year=2040)
    NominationFactory.create_batch(3, competition=competition)
    NominationFactory(competition=competition, withdrawn=True)

    response = staff_client.get(reverse(CHANGELIST))

    (row,) = [c for c in response.context["per_competition"] if c.year == 2040]
    assert (row.nominations_total, row.nominations_live) == (4, 3)


@pytest.mark.parametrize("count", [1, 3])
def test_admin_list_query_count_does_not_grow_with_nominations(
    staff_client, django_assert_num_queries, count
):
    NominationFactory.create_batch(count)

    # session, user, the second-factor device, two counts, the page of nominations, filters'
    # competitions, per-year counts, date hierarchy, the action's content type, and the
    # sidebar asking the jury screens whether this user sits on a panel or oversees one
    with django_assert_num_queries(12):
        response = staff_client.get(reverse(CHANGELIST))

    assert len(response.context["cl"].result_list) == count
