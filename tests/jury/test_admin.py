import re

import pytest
import time_machine
from django.urls import reverse

from jury.models import ConflictOfInterest, Finalist, Score
from tests.admin_login import admin_login
from tests.factories.hyvakaytanto import CompetitionFactory
from tests.factories.jury import ConflictFactory, FinalistFactory, JuryMemberFactory, ScoreFactory
from tests.factories.nominations import AttachmentFactory, NominationFactory
from tests.jury.conftest import login, sheet
from tests.pages import text_of

pytestmark = pytest.mark.django_db

LIST = "admin:jury_scoringnomination_changelist"
RANKING = "admin:jury_rankingentry_changelist"
FINALISTS = "admin:jury_finalist_changelist"


def decide(client, seat, finalist, *, recognition="winner", statement=""):
    """The chair's decision through the admin action, as the given juror."""
    return login(client, seat).post(
        reverse(FINALISTS),
        {
            "action": "decide",
            "_selected_action": [finalist.pk],
            "apply": "1",
            "recognition": recognition,
            "statement": statement,
        },
    )


def screen(nomination) -> str:
    return reverse("admin:jury_scoringnomination_change", args=[nomination.pk])


# --- A juror reaches only their own panel's nominations ------------------------------------


def test_juror_lists_only_their_panels_nominations(client, juror, nomination, foreign_juror):
    foreign = NominationFactory(competition=foreign_juror.competition)

    response = login(client, juror).get(reverse(LIST))

    assert list(response.context["cl"].result_list) == [nomination]
    assert foreign.practice_name not in response.content.decode()


def test_juror_cannot_open_another_panels_nomination(client, juror, foreign_juror):
    foreign = NominationFactory(competition=foreign_juror.competition)

    response = login(client, juror).get(screen(foreign))

    assert response.status_code == 404


def test_juror_cannot_score_another_panels_nomination(client, juror, foreign_juror):
    foreign = NominationFactory(competition=foreign_juror.competition)

    response = login(client, juror).post(screen(foreign), sheet())

    assert response.status_code == 404
    assert not Score.objects.exists()


def test_juror_cannot_download_another_panels_attachment(client, juror, foreign_juror):
    attachment = AttachmentFactory(nomination__competition=foreign_juror.competition)
    url = reverse(
        "admin:jury_scoringnomination_attachment",
        args=[attachment.nomination.pk, attachment.pk],
    )

    assert login(client, juror).get(url).status_code == 404


def test_juror_downloads_an_attachment_of_their_panel(client, juror, nomination):
    attachment = AttachmentFactory(nomination=nomination)
    url = reverse("admin:jury_scoringnomination_attachment", args=[nomination.pk, attachment.pk])

    response = login(client, juror).get(url)
    response.close()

    assert response.status_code == 200


def test_juror_cannot_reach_nominations_or_scores_as_such(client, juror, nomination):
    ScoreFactory(juror=juror, nomination=nomination)
    login(client, juror)

    assert client.get(reverse("admin:nominations_nomination_changelist")).status_code == 403
    assert client.get(reverse("admin:jury_score_changelist")).status_code == 403


def test_members_cannot_see_or_export_the_ranking(client, juror, nomination):
    login(client, juror)

    assert client.get(reverse(RANKING)).status_code == 403
    export = client.post(
        reverse(RANKING), {"action": "export_csv", "_selected_action": [nomination.pk]}
    )
    assert export.status_code == 403


def test_chair_cannot_export_another_panels_nominations(client, chair, nomination, foreign_juror):
    foreign = NominationFactory(competition=foreign_juror.competition)

    response = login(client, chair).post(
        reverse(RANKING), {"action": "export_csv", "_selected_action": [nomination.pk, foreign.pk]}
    )

    body = response.content.decode("utf-8")
    assert nomination.practice_name in body
    assert foreign.practice_name not in body


# --- Scoring -------------------------------------------------------------------------------


def test_juror_scores_a_nomination_and_sees_progress(client, juror, nomination):
    NominationFactory(competition=juror.competition)
    login(client, juror)

    response = client.post(screen(nomination), sheet(value=4, comment="Selkeä malli."))
    listing = client.get(reverse(LIST))

    assert response.status_code == 302
    assert Score.objects.filter(juror=juror, nomination=nomination).count() == 4
    assert "Edistyminen: 1 / 2 ehdotusta" in text_of(listing)


def test_saving_the_same_sheet_again_changes_the_scores_in_place(client, juror, nomination):
    login(client, juror)

    client.post(screen(nomination), sheet(value=2))
    client.post(screen(nomination), sheet(value=5))

    assert list(Score.objects.values_list("value", flat=True)) == [5, 5, 5, 5]


def test_score_out_of_range_is_refused_and_the_saved_sheet_stays(client, juror, nomination):
    login(client, juror)
    client.post(screen(nomination), sheet(value=3))
    data = sheet(value=4)
    data[next(k for k in data if k.startswith("value_"))] = "9"

    response = client.post(screen(nomination), data)

    assert response.status_code == 200
    assert "Tarkista pisteet" in response.content.decode()
    assert list(Score.objects.filter(juror=juror).values_list("value", flat=True)) == [3, 3, 3, 3]


def test_hand_made_post_cannot_change_another_jurors_score(client, juror, other_juror, nomination):
    theirs = ScoreFactory(juror=other_juror, nomination=nomination, value=1)

    login(client, juror).post(
        screen(nomination), {**sheet(value=5), "juror": other_juror.pk, "juror_id": other_juror.pk}
    )

    theirs.refresh_from_db()
    assert theirs.value == 1
    assert Score.objects.filter(juror=juror).count() == 4
    admin_change = reverse("admin:jury_score_change", args=[theirs.pk])
    assert client.post(admin_change, {"value": 5}).status_code == 403


def test_nobody_scores_after_the_scoring_deadline(client, juror, chair, nomination):
    deadline = nomination.competition.scoring_closes_at

    with time_machine.travel(deadline, tick=False):
        for seat in (juror, chair):
            response = login(client, seat).post(screen(nomination), sheet(), follow=True)
            assert "Arviointiaika" in text_of(response)

    assert not Score.objects.exists()


def test_scoring_one_microsecond_before_the_deadline_is_accepted(client, juror, nomination):
    from datetime import timedelta

    deadline = nomination.competition.scoring_closes_at

    with time_machine.travel(deadline - timedelta(microseconds=1), tick=False):
        login(client, juror).post(screen(nomination), sheet())

    assert Score.objects.count() == 4


# --- Blind until done, and conflicts ------------------------------------------------------------


def test_juror_sees_the_panels_scores_only_after_scoring_fully(
    client, juror, other_juror, nomination
):
    login(client, other_juror).post(screen(nomination), sheet(value=2, overall="Vahva arviointi."))
    login(client, juror)

    before = client.get(screen(nomination))
    client.post(screen(nomination), sheet(value=4))
    after = client.get(screen(nomination))

    assert "Vahva arviointi." not in before.content.decode()
    assert "Näet muiden pisteet" in text_of(before)
    assert "Vahva arviointi." in after.content.decode()


def test_juror_cannot_score_after_declaring_a_conflict(client, juror, other_juror, nomination):
    login(client, other_juror).post(screen(nomination), sheet(overall="Muiden kommentti."))
    login(client, juror)

    client.post(screen(nomination), {"declare_conflict": "1", "reason": "Kehittäjä on puolisoni."})
    client.post(screen(nomination), sheet(value=5))
    page = client.get(screen(nomination))

    assert ConflictOfInterest.objects.filter(juror=juror, nomination=nomination).exists()
    assert not Score.objects.filter(juror=juror).exists()
    assert "Muiden kommentti." not in page.content.decode()
    assert "Olet ilmoittanut olevasi esteellinen" in text_of(page)


def test_declaring_a_conflict_removes_earlier_scores(client, juror, nomination):
    login(client, juror).post(screen(nomination), sheet(value=5))

    client.post(screen(nomination), {"declare_conflict": "1", "reason": "Esteellinen."})

    assert not Score.objects.filter(juror=juror).exists()
    assert Score.history.filter(history_type="-").count() == 4


def test_score_changes_are_kept_with_who_and_when(client, juror, nomination, communications):
    login(client, juror).post(screen(nomination), sheet(value=2))
    client.post(screen(nomination), sheet(value=3))

    history = Score.history.filter(nomination=nomination).order_by("history_date")
    assert history.count() == 8
    assert {h.history_user for h in history} == {juror.user}
    score = Score.objects.filter(nomination=nomination).first()
    page = login(client, communications).get(reverse("admin:jury_score_history", args=[score.pk]))
    assert page.status_code == 200


# --- Shortlist and decision -------------------------------------------------------------------


def test_non_chair_cannot_shortlist(client, juror, nomination):
    login(client, juror).post(
        reverse(RANKING), {"action": "shortlist", "_selected_action": [nomination.pk]}
    )

    assert not Finalist.objects.exists()


def test_chair_shortlists_and_writes_the_statement(client, chair, nomination):
    login(client, chair).post(screen(nomination), sheet())  # the panel's one juror scores it
    client.post(reverse(RANKING), {"action": "shortlist", "_selected_action": [nomination.pk]})
    finalist = Finalist.objects.get()
    client.post(
        reverse("admin:jury_finalist_change", args=[finalist.pk]),
        {"statement": "Raati kiittää mallia.", "order": "1"},
    )

    finalist.refresh_from_db()
    assert finalist.nomination == nomination
    assert finalist.statement == "Raati kiittää mallia."
    assert finalist.history.count() == 2


def test_non_chair_cannot_decide_the_winner(client):
    competition = CompetitionFactory(deliberation=True)
    member = JuryMemberFactory(competition=competition)
    finalist = FinalistFactory(nomination__competition=competition)

    decide(client, member, finalist, statement="Voittaja.")

    finalist.refresh_from_db()
    assert finalist.recognition == ""


def test_chair_records_the_winner_after_voting_closes(client):
    competition = CompetitionFactory(deliberation=True)
    chair = JuryMemberFactory(competition=competition, chair=True)
    finalist = FinalistFactory(nomination__competition=competition)

    decide(client, chair, finalist, statement="Raadin yksimielinen valinta.")

    finalist.refresh_from_db()
    assert finalist.recognition == "winner"
    assert finalist.recognition_statement == "Raadin yksimielinen valinta."


def test_chair_cannot_decide_while_voting_is_open(client):
    competition = CompetitionFactory(voting=True)
    chair = JuryMemberFactory(competition=competition, chair=True)
    finalist = FinalistFactory(nomination__competition=competition)

    decide(client, chair, finalist, statement="Liian aikaisin.")

    finalist.refresh_from_db()
    assert finalist.recognition == ""


def test_chair_follows_each_jurors_progress(client, chair, juror, nomination):
    NominationFactory(competition=chair.competition)
    login(client, juror).post(screen(nomination), sheet())

    response = login(client, chair).get(reverse("admin:jury_jurymember_changelist"))

    rows = {m.user: m for m in response.context["cl"].result_list}
    assert (rows[juror.user].scored, rows[juror.user].nomination_total) == (1, 2)
    assert rows[chair.user].scored == 0
    assert "1 / 2" in text_of(response)


def test_member_sees_no_other_jurors_progress(client, juror, other_juror):
    response = login(client, juror).get(reverse("admin:jury_jurymember_changelist"))

    assert response.status_code == 403
    assert other_juror.user.first_name not in response.content.decode()


def test_staff_seat_a_juror_in_the_admin(client, communications, panel_year):
    new = JuryMemberFactory.build().user
    new.save()

    response = login(client, communications).post(
        reverse("admin:jury_jurymember_add"),
        {"competition": panel_year.pk, "user": new.pk, "role": "member", "organisation": "STKL"},
    )

    assert response.status_code == 302
    assert panel_year.jury_members.filter(user=new).exists()


def test_admin_login_page_answers_anonymous_visitors(client):
    response = client.get(reverse("admin:login"))

    assert response.status_code == 200
    assert "Kirjaudu sisään" in response.content.decode()


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_ranking_export_writes_formula_like_names_as_text(client, chair, panel_year, file_format):
    import csv
    import io

    import openpyxl

    hostile = NominationFactory(
        competition=panel_year,
        practice_name='=HYPERLINK("http://x.example","Avaa")',
        organisations="@SUM(1+1)",
    )

    response = login(client, chair).post(
        reverse(RANKING), {"action": f"export_{file_format}", "_selected_action": [hostile.pk]}
    )

    if file_format == "csv":
        row = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig").splitlines()[1])))
        assert row[1:3] == ['\'=HYPERLINK("http://x.example","Avaa")', "'@SUM(1+1)"]
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        cells = [cell.value for cell in sheet[2]]
        assert cells[1:3] == ['\'=HYPERLINK("http://x.example","Avaa")', "'@SUM(1+1)"]


def _ranking_rows(client, query="") -> list[str]:
    html = client.get(reverse(RANKING) + query).content.decode()
    return re.findall(r'<td class="field-practice_name">([^<]+)</td>', html)


def test_the_ranking_opens_best_first_with_the_unscored_last(client, chair, panel_year):
    from tests.jury.test_queries import give

    a, b = JuryMemberFactory.create_batch(2, competition=panel_year)
    # Inserted in an order unlike the scores: the newest is the weakest.
    middle = NominationFactory(competition=panel_year, practice_name="Keskitaso")
    NominationFactory(competition=panel_year, practice_name="Arvioimatta")
    best = NominationFactory(competition=panel_year, practice_name="Paras")
    weakest = NominationFactory(competition=panel_year, practice_name="Heikoin")
    for juror in (a, b):
        give(juror, middle, [3, 3, 3, 3])
        give(juror, best, [5, 5, 4, 5])
        give(juror, weakest, [1, 2, 1, 2])
    login(client, chair)
    total_column = 6  # the list_display position of "yhteensä" (0 is the checkbox)

    assert _ranking_rows(client) == ["Paras", "Keskitaso", "Heikoin", "Arvioimatta"]
    assert _ranking_rows(client, f"?o={total_column}") == [
        "Paras",
        "Keskitaso",
        "Heikoin",
        "Arvioimatta",
    ]
    assert _ranking_rows(client, f"?o=-{total_column}") == [
        "Heikoin",
        "Keskitaso",
        "Paras",
        "Arvioimatta",
    ]


def test_the_ranking_names_its_criteria_and_shows_no_error_marks(client, chair, nomination):
    login(client, chair)

    html = client.get(reverse(RANKING)).content.decode()

    assert "K1</strong> = Helposti sovellettava" in html
    assert "icon-no.svg" not in html


def _publishable_year(panel_year):
    from jury.models import JuryMember

    first, second = (
        FinalistFactory(nomination__competition=panel_year, statement=f"Perustelu {n}.")
        for n in range(2)
    )
    other = NominationFactory(competition=panel_year, contact_email="ei-valittu@kunta.example")
    JuryMember.objects.filter(competition=panel_year).delete()
    return first, second, other


def test_publishing_finalists_previews_every_email_and_sends_nothing(
    client, communications, panel_year
):
    from core.models import OutgoingEmail

    first, _second, other = _publishable_year(panel_year)
    JuryMemberFactory(competition=panel_year)  # a juror who is not done
    login(client, communications)

    preview = client.post(
        reverse("admin:jury_finalist_changelist"),
        {"action": "publish", "_selected_action": [first.pk]},
    )

    text = preview.content.decode()
    panel_year.refresh_from_db()
    assert panel_year.finalists_published_at is None
    assert not OutgoingEmail.objects.exists()
    assert first.nomination.contact_email in text
    assert other.contact_email in text
    assert f"Onnittelut: {first.nomination.practice_name} on Hyvä käytäntö -finalisti" in text
    assert "finalistit on valittu" in text
    assert "Arviointiaika on vielä käynnissä" in text
    assert "eivät ole merkinneet arviointiaan valmiiksi" in text


def test_after_confirmation_every_email_is_queued_once_and_a_second_is_refused(
    client, communications, panel_year
):
    from core.models import OutgoingEmail

    first, second, other = _publishable_year(panel_year)
    login(client, communications)
    confirm = {"action": "publish", "_selected_action": [first.pk], "confirm": "1"}

    client.post(reverse("admin:jury_finalist_changelist"), confirm)
    again = client.post(reverse("admin:jury_finalist_changelist"), confirm, follow=True)

    recipients = sorted(OutgoingEmail.objects.values_list("recipients", flat=True))
    assert recipients == sorted(
        [first.nomination.contact_email, second.nomination.contact_email, other.contact_email]
    )
    assert "Finalistit on jo julkistettu." in again.content.decode()


@pytest.fixture
def deliberating():
    competition = CompetitionFactory(deliberation=True)
    chair = JuryMemberFactory(competition=competition, chair=True)
    member = JuryMemberFactory(competition=competition)
    finalist = FinalistFactory(nomination__competition=competition)
    return chair, member, finalist


def test_the_chair_records_the_winner_from_the_finalists_list_after_confirming(
    client, deliberating
):
    chair, _member, finalist = deliberating
    login(client, chair)
    listing = client.get(reverse("admin:jury_finalist_changelist")).content.decode()
    url = reverse("admin:jury_finalist_decide_one", args=[finalist.pk])

    confirm = client.get(url + "?tunnustus=winner")
    client.post(url, {"recognition": "winner", "statement": "Raadin yksimielinen valinta."})

    finalist.refresh_from_db()
    assert f"{url}?tunnustus=winner" in listing
    assert "Vahvista ja kirjaa päätös" in confirm.content.decode()
    assert finalist.recognition == "winner"
    assert finalist.recognition_statement == "Raadin yksimielinen valinta."


def test_a_decision_without_a_statement_keeps_the_choice_and_says_why(client, deliberating):
    chair, _member, finalist = deliberating
    login(client, chair)
    url = reverse("admin:jury_finalist_decide_one", args=[finalist.pk])

    response = client.post(url, {"recognition": "honourable_mention", "statement": ""})

    finalist.refresh_from_db()
    assert response.status_code == 200
    assert "Kirjoita päätökselle perustelut." in response.content.decode()
    assert 'value="honourable_mention" selected' in response.content.decode()
    assert finalist.recognition == ""  # no decision


def test_a_member_cannot_record_the_decision(client, deliberating):
    _chair, member, finalist = deliberating
    login(client, member)

    response = client.post(
        reverse("admin:jury_finalist_decide_one", args=[finalist.pk]),
        {"recognition": "winner", "statement": "Ei kuulu jäsenelle."},
    )

    finalist.refresh_from_db()
    assert response.status_code == 404  # the year is not one a member oversees
    assert finalist.recognition == ""  # no decision


def test_a_conflicts_history_is_gone_with_the_jurors_seat_not_a_server_error(client, staff):
    """The seat's deletion takes its conflicts with it; their history entries answer 404."""
    from tests.admin_login import admin_login

    conflict = ConflictFactory()
    version = ConflictOfInterest.history.get(id=conflict.pk)
    conflict.juror.delete()
    admin_login(client, staff)

    for url in (
        reverse("admin:jury_conflictofinterest_history", args=[conflict.pk]),
        reverse(
            "admin:jury_conflictofinterest_simple_history",
            args=[conflict.pk, version.history_id],
        ),
    ):
        assert client.get(url).status_code == 404, url


def test_a_panel_with_one_score_for_everything_gets_a_report_not_a_server_error(client, chair):
    """Krippendorff's alpha has no value when every score is the same: the report says so."""

    from tests.factories.jury import JuryMemberFactory, ScoreFactory
    from tests.pages import text_of

    other = JuryMemberFactory(competition=chair.competition)
    for nomination in NominationFactory.create_batch(3, competition=chair.competition):
        for seat in (chair, other):
            for criterion in (1, 2, 3, 4):
                ScoreFactory(juror=seat, nomination=nomination, criterion_id=criterion, value=3)
    admin_login(client, chair.user)

    response = client.get(
        reverse("admin:jury_rankingentry_reliability", args=[chair.competition.pk])
    )

    assert response.status_code == 200
    assert "ei laskettavissa" in text_of(response)
