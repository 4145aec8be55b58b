"""A juror's year, from the first score to "done": their own order, "Tallenna ja seuraava",
marking the work done, and the chair reopening it."""

import re

import pytest
from django.urls import reverse

from core.models import AuditEvent
from jury import queries
from jury.models import ConflictOfInterest, JuryMember, Score
from tests.factories.hyvakaytanto import CompetitionFactory
from tests.factories.jury import ConflictFactory, JuryMemberFactory
from tests.factories.nominations import NominationFactory
from tests.jury.conftest import login, sheet
from tests.pages import text_of

pytestmark = pytest.mark.django_db

LIST = "admin:jury_scoringnomination_changelist"


def screen(nomination) -> str:
    return reverse("admin:jury_scoringnomination_change", args=[nomination.pk])


def order_of(seat) -> list[int]:
    return list(queries.nominations_for_juror(seat.user).values_list("pk", flat=True))


def test_a_juror_scores_the_whole_year_with_save_and_next_alone(client, panel_year):
    juror = JuryMemberFactory(competition=panel_year)
    nominations = NominationFactory.create_batch(4, competition=panel_year)
    ConflictFactory(juror=juror, nomination=nominations[2])
    expected = [pk for pk in order_of(juror) if pk != nominations[2].pk]
    login(client, juror)

    home = client.get(reverse(LIST))
    path = re.search(r'class="button juror-continue" href="([^"]+)"', home.content.decode())[1]
    visited = []
    while path.startswith("/admin/jury/scoringnomination/") and "change" in path:
        visited.append(int(path.rstrip("/").split("/")[-2]))
        response = client.post(path, {**sheet(value=3), "_next": "1"})
        path = response["Location"]
    done_page = client.get(path)

    assert visited == expected  # the juror's order, skipping the conflict
    assert path == reverse(LIST)
    assert "Olet arvioinut kaikki ehdotukset." in text_of(done_page)
    assert "Merkitse arviointi valmiiksi" in done_page.content.decode()
    assert Score.objects.filter(juror=juror).count() == 3 * 4


def test_the_next_nomination_skips_what_is_already_scored(client, panel_year):
    juror = JuryMemberFactory(competition=panel_year)
    NominationFactory.create_batch(3, competition=panel_year)
    first, second, third = order_of(juror)
    login(client, juror)
    client.post(reverse("admin:jury_scoringnomination_change", args=[third]), sheet())

    response = client.post(
        reverse("admin:jury_scoringnomination_change", args=[first]), {**sheet(), "_next": "1"}
    )

    assert response["Location"] == reverse("admin:jury_scoringnomination_change", args=[second])


def test_two_jurors_get_different_orders_each_the_same_at_every_visit(panel_year):
    NominationFactory.create_batch(6, competition=panel_year)
    one, two = JuryMemberFactory.create_batch(2, competition=panel_year)

    assert order_of(one) != order_of(two)
    assert sorted(order_of(one)) == sorted(order_of(two))
    assert order_of(one) == order_of(one)
    assert order_of(JuryMember.objects.get(pk=two.pk)) == order_of(two)


def test_over_twelve_jurors_every_nomination_comes_in_some_jurors_first_third():
    competition = CompetitionFactory(review=True)
    ids = [n.pk for n in NominationFactory.create_batch(12, competition=competition)]

    early = set()
    for rank in range(12):
        order = queries.juror_order(
            competition_id=competition.pk, nomination_ids=ids, seat_rank=rank
        )
        early.update(order[:4])

    assert early == set(ids)


def test_the_juror_home_shows_the_deadline_days_left_and_progress(client, juror, nomination):
    login(client, juror)

    text = text_of(client.get(reverse(LIST)))

    assert "Edistyminen: 0 / 1 ehdotusta" in text
    assert "Arvioinnin viimeinen päivä:" in text
    assert "päivää jäljellä" in text
    assert "Aloita arviointi" in text


def test_after_done_a_changed_score_is_refused_on_the_server(client, juror, nomination):
    login(client, juror)
    client.post(screen(nomination), sheet(value=2))
    client.post(reverse("admin:jury_scoringnomination_done"))

    response = client.post(screen(nomination), sheet(value=5), follow=True)

    juror.refresh_from_db()
    assert juror.done_at is not None
    assert set(Score.objects.filter(juror=juror).values_list("value", flat=True)) == {2}
    assert "Olet merkinnyt arviointisi valmiiksi, joten pisteitä ei voi enää muuttaa" in (
        text_of(response)
    )
    assert "Merkitsit arviointisi valmiiksi" in text_of(client.get(reverse(LIST)))
    assert AuditEvent.objects.filter(action="scoring_done").count() == 1


def test_done_is_refused_while_something_is_unscored(client, juror, nomination):
    login(client, juror)

    response = client.post(reverse("admin:jury_scoringnomination_done"), follow=True)

    juror.refresh_from_db()
    assert juror.done_at is None
    assert "Arvioimatta on vielä ehdotuksia" in text_of(response)


def test_the_chair_reopens_a_jurors_sheets_and_it_is_audited(client, juror, chair, nomination):
    login(client, juror)
    client.post(screen(nomination), sheet())
    client.post(reverse("admin:jury_scoringnomination_done"))
    login(client, chair)

    client.post(
        reverse("admin:jury_jurymember_changelist"),
        {"action": "reopen", "_selected_action": [juror.pk]},
    )

    juror.refresh_from_db()
    event = AuditEvent.objects.get(action="scoring_reopened")
    assert juror.done_at is None
    assert event.actor_id == chair.user.pk


@pytest.mark.parametrize("who", ["member", "after the deadline"])
def test_reopening_is_refused_for_anyone_but_the_chair_and_after_the_deadline(
    client, juror, other_juror, chair, nomination, who
):
    import time_machine

    login(client, juror)
    client.post(screen(nomination), sheet())
    client.post(reverse("admin:jury_scoringnomination_done"))
    reopen = {"action": "reopen", "_selected_action": [juror.pk]}

    if who == "member":
        login(client, other_juror)
        client.post(reverse("admin:jury_jurymember_changelist"), reopen)
    else:
        login(client, chair)
        with time_machine.travel(juror.competition.scoring_closes_at, tick=False):
            client.post(reverse("admin:jury_jurymember_changelist"), reopen)

    juror.refresh_from_db()
    assert juror.done_at is not None
    assert not AuditEvent.objects.filter(action="scoring_reopened").exists()


@pytest.mark.parametrize("panel_size", [1, 5])
def test_the_scoring_screen_reads_its_data_once_whatever_the_panel(
    client, panel_year, panel_size, django_assert_max_num_queries
):
    from tests.factories.nominations import AttachmentFactory

    juror = JuryMemberFactory(competition=panel_year, chair=True)
    nominations = NominationFactory.create_batch(3, competition=panel_year)
    for other in JuryMemberFactory.create_batch(panel_size, competition=panel_year):
        for nomination in nominations:
            ScoreFactory_sheet(other, nomination)
        AttachmentFactory(nomination=nominations[0])
    login(client, juror)
    url = screen(nominations[0])
    client.get(url)  # the session's first request settles its own bookkeeping

    with django_assert_max_num_queries(8):
        page = client.get(url)
    with django_assert_max_num_queries(16):  # one of them: does the year calibrate first?
        saved = client.post(url, {**sheet(value=4), "_next": "1"})

    assert page.status_code == 200
    assert saved.status_code == 302
    assert Score.objects.filter(juror=juror).count() == 4


@pytest.mark.parametrize("nominations", [1, 3])
def test_the_jurors_list_takes_the_same_queries_at_any_size(
    client, panel_year, nominations, django_assert_num_queries
):
    juror = JuryMemberFactory(competition=panel_year)
    NominationFactory.create_batch(nominations, competition=panel_year)
    login(client, juror)
    client.get(reverse(LIST))

    # The same for 1 and 3 nominations (one asks whether the year calibrates first).
    with django_assert_num_queries(27):
        client.get(reverse(LIST))


def ScoreFactory_sheet(seat, nomination):
    from core.models import Criterion
    from jury.services import CriterionScore, score_save

    score_save(
        seat=seat,
        nomination=nomination,
        scores={c.pk: CriterionScore(value=3, comment="Hyvä.") for c in Criterion.objects.all()},
    )


def test_the_jurors_list_shows_the_nominations_in_their_own_order(client, panel_year):
    juror = JuryMemberFactory(competition=panel_year)
    JuryMemberFactory(competition=panel_year)
    nominations = NominationFactory.create_batch(5, competition=panel_year)
    names = {n.pk: n.practice_name for n in nominations}
    login(client, juror)

    html = client.get(reverse(LIST)).content.decode()

    shown = [name for _, name in sorted((html.index(n), n) for n in names.values())]
    assert shown == [names[pk] for pk in order_of(juror)]


def test_done_is_refused_for_an_unscored_year_while_a_newer_year_has_work_too():
    from django.core.exceptions import ValidationError

    from jury import services

    older = CompetitionFactory(review=True, year=2040)
    newer = CompetitionFactory(review=True, year=2041)
    seat = JuryMemberFactory(competition=older)
    JuryMemberFactory(competition=newer, user=seat.user)
    NominationFactory(competition=older)
    NominationFactory(competition=newer)

    with pytest.raises(ValidationError, match="Arvioimatta on vielä ehdotuksia"):
        services.juror_mark_done(seat=seat)
    seat.refresh_from_db()
    assert seat.done_at is None


def test_marking_done_asks_once_saying_what_it_locks_and_who_reopens(client, juror, nomination):
    login(client, juror)
    client.post(screen(nomination), sheet(value=3))
    home = client.get(reverse(LIST)).content.decode()
    assert f'href="{reverse("admin:jury_scoringnomination_done")}"' in home

    question = text_of(client.get(reverse("admin:jury_scoringnomination_done")))

    juror.refresh_from_db()
    assert juror.done_at is None  # opening the question changes nothing
    assert "Merkitäänkö arviointisi valmiiksi?" in question
    assert "kaikki pisteesi, kommenttisi ja esteellisyysilmoituksesi lukitaan" in question
    assert "Vain raadin puheenjohtaja voi avata arviointisi uudelleen" in question

    client.post(reverse("admin:jury_scoringnomination_done"))
    juror.refresh_from_db()
    assert juror.done_at is not None


def test_a_conflict_is_withdrawn_until_done_and_the_history_keeps_both(client, juror, nomination):
    login(client, juror)
    client.post(
        screen(nomination),
        {"declare_conflict": "1", "reason": "Olen ollut mukana kehittämässä mallia."},
    )
    declared = text_of(client.get(screen(nomination)))
    assert "mallia.." not in declared
    assert "Näet muiden pisteet ja kommentit, kun olet pisteyttänyt" not in declared
    assert "Esteellisenä et näe muiden pisteitä" in declared

    withdrawn = client.post(screen(nomination), {"withdraw_conflict": "1"}, follow=True)

    assert "Esteellisyys on peruttu. Voit nyt pisteyttää ehdotuksen." in text_of(withdrawn)
    assert not ConflictOfInterest.objects.exists()
    kinds = list(
        ConflictOfInterest.history.order_by("history_date").values_list("history_type", flat=True)
    )
    assert kinds == ["+", "-"]
    assert AuditEvent.objects.filter(action="conflict_withdrawn").count() == 1


def test_a_conflict_cannot_be_withdrawn_after_done(client, juror, nomination):
    other = NominationFactory(competition=nomination.competition)
    login(client, juror)
    client.post(screen(nomination), {"declare_conflict": "1", "reason": "Entinen työpaikka"})
    client.post(screen(other), sheet(value=3))
    client.post(reverse("admin:jury_scoringnomination_done"))

    page = client.get(screen(nomination)).content.decode()
    client.post(screen(nomination), {"withdraw_conflict": "1"})

    assert 'name="withdraw_conflict"' not in page
    assert ConflictOfInterest.objects.filter(juror=juror, nomination=nomination).exists()


def test_the_done_question_is_not_asked_while_something_is_unscored(client, juror, nomination):
    login(client, juror)

    page = client.get(reverse("admin:jury_scoringnomination_done"), follow=True)

    assert "Merkitäänkö arviointisi valmiiksi?" not in text_of(page)
    assert "Arvioimatta on vielä ehdotuksia" in text_of(page)
